import { spawn } from 'node:child_process';

export interface RunCommandOptions {
  argv: readonly [string, ...string[]];
  /** Written to stdin, which is then closed. */
  input: string;
  /** The complete environment. */
  env: Readonly<Record<string, string>>;
  cwd?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** stdout beyond this is dropped (and `stdoutTruncated` set); stderr keeps its first 64 KiB. */
  maxOutputBytes: number;
}

export type RunCommandOutcome =
  | {
      type: 'exited';
      code: number | null;
      signal: NodeJS.Signals | null;
      stdout: string;
      stderr: string;
      stdoutTruncated: boolean;
    }
  | { type: 'timeout' | 'aborted'; stderr: string }
  | { type: 'spawnFailed'; error: Error };

const STDERR_MAX_BYTES = 64 * 1024;
/** After a kill, how long we wait for the pipes to close before we stop waiting. */
const CLOSE_AFTER_KILL_MS = 1_000;

/**
 * Runs one command without a shell, in its own process group, so that a timeout or an abort kills it
 * and everything it started (`kill(-pid)`). Never rejects.
 */
export function runCommand(options: RunCommandOptions): Promise<RunCommandOutcome> {
  const { argv, env, cwd, timeoutMs, signal, maxOutputBytes } = options;
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ type: 'aborted', stderr: '' });
    const detached = process.platform !== 'win32';
    const child = spawn(argv[0], argv.slice(1), {
      cwd,
      env: { ...env },
      detached,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout = new Capped(maxOutputBytes);
    const stderr = new Capped(STDERR_MAX_BYTES);
    let stopped: 'timeout' | 'aborted' | undefined;
    let settled = false;
    const cleanups: (() => void)[] = [];
    const settle = (outcome: RunCommandOutcome): void => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups.splice(0)) cleanup();
      resolve(outcome);
    };
    const stop = (why: 'timeout' | 'aborted'): void => {
      if (stopped || settled) return;
      stopped = why;
      killGroup(child.pid, detached, () => child.kill('SIGKILL'));
      const fallback = setTimeout(() => settle({ type: why, stderr: stderr.text() }), CLOSE_AFTER_KILL_MS);
      fallback.unref();
      cleanups.push(() => clearTimeout(fallback));
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    timer.unref();
    cleanups.push(() => clearTimeout(timer));
    if (signal) {
      const onAbort = (): void => stop('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener('abort', onAbort));
    }
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => {}); // a command that does not read its stdin (EPIPE) is fine
    child.on('error', (error) => settle({ type: 'spawnFailed', error }));
    child.on('close', (code, exitSignal) => {
      if (stopped) settle({ type: stopped, stderr: stderr.text() });
      else
        settle({
          type: 'exited',
          code,
          signal: exitSignal,
          stdout: stdout.text(),
          stderr: stderr.text(),
          stdoutTruncated: stdout.truncated,
        });
    });
    child.stdin.end(options.input);
  });
}

function killGroup(pid: number | undefined, detached: boolean, fallback: () => void): void {
  if (pid === undefined) return;
  try {
    if (detached) process.kill(-pid, 'SIGKILL');
    else fallback();
  } catch {
    fallback(); // the group is gone already, or kill(-pid) is not supported here
  }
}

/** Collects chunks up to a byte limit. */
class Capped {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    const room = this.max - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
