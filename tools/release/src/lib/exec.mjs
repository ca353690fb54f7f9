// Child processes with a bounded wait: every command has a timeout, kills its whole process group
// when it runs over, and reports stdout, stderr, the exit code and the time it took.
import { spawn } from 'node:child_process';

export class CommandError extends Error {
  constructor(message, result) {
    super(message);
    this.name = 'CommandError';
    this.result = result;
  }
}

/** Process groups of the commands still running; killed if this process exits first. */
const running = new Set();
process.on('exit', () => {
  for (const pid of running) killGroup(pid, 'SIGKILL');
});

/**
 * Runs `cmd args` and resolves with `{ code, signal, stdout, stderr, ms, timedOut }`.
 * Rejects with a {@link CommandError} on a non-zero exit or a timeout unless `allowFail`.
 * `echo: true` streams the output to this process while collecting it.
 */
export function run(cmd, args, options = {}) {
  const { cwd, env, timeoutMs = 120_000, allowFail = false, echo = false, input } = options;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: env ?? process.env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true, // own process group, so a timeout can stop grandchildren too
    });
    if (child.pid !== undefined) running.add(child.pid);
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => {
      out.push(c);
      if (echo) process.stdout.write(c);
    });
    child.stderr.on('data', (c) => {
      err.push(c);
      if (echo) process.stderr.write(c);
    });
    if (input !== undefined) child.stdin.end(input);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), 2000).unref();
    }, timeoutMs);
    timer.unref();
    const finish = (code, signal, spawnError) => {
      clearTimeout(timer);
      running.delete(child.pid);
      const result = {
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Math.round(performance.now() - started),
        timedOut,
      };
      const line = `${cmd} ${args.join(' ')}`;
      if (spawnError) return reject(new CommandError(`${line}: ${spawnError.message}`, result));
      if (timedOut) return reject(new CommandError(`${line}: timed out after ${timeoutMs} ms`, result));
      if (code !== 0 && !allowFail) {
        const tail = (result.stderr || result.stdout).trim().split('\n').slice(-25).join('\n');
        return reject(new CommandError(`${line}: exit ${code ?? signal}\n${tail}`, result));
      }
      resolve(result);
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

export function killGroup(pid, signal) {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Runs `fn` on every item with at most `limit` running at once; results in input order. */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
