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
/**
 * After a kill, or after the command exited, how long we wait for its pipes to close before we stop
 * waiting (a process that left the group can hold them open for as long as it likes).
 */
const CLOSE_AFTER_KILL_MS = 1_000;

/**
 * Runs one command without a shell, in its own process group, so that a timeout or an abort kills it
 * and everything it started (`kill(-pid)`). When the command exits, whatever it left running in its
 * group (`sleep 30 &`) is killed the same way: nothing outlives the hook. The answer is the output
 * read until the pipes close, which is bounded by {@link CLOSE_AFTER_KILL_MS} after the exit. Never rejects.
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
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const outcome = (): RunCommandOutcome =>
      stopped
        ? { type: stopped, stderr: stderr.text() }
        : {
            type: 'exited',
            code: exit?.code ?? null,
            signal: exit?.signal ?? null,
            stdout: stdout.text(),
            stderr: stderr.text(),
            stdoutTruncated: stdout.truncated,
          };
    /** Settles with what was read so far if the pipes are still open after the bound. */
    const closeWithin = (ms: number): void => {
      const fallback = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        settle(outcome());
      }, ms);
      fallback.unref();
      cleanups.push(() => clearTimeout(fallback));
    };
    const stop = (why: 'timeout' | 'aborted'): void => {
      if (stopped || settled || exit) return;
      stopped = why;
      killGroup(child.pid, detached, () => child.kill('SIGKILL'));
      closeWithin(CLOSE_AFTER_KILL_MS);
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
    child.on('exit', (code, exitSignal) => {
      exit = { code, signal: exitSignal };
      if (settled) return;
      // The command is done: end what it left behind in its group (a background job holding the
      // pipes open would otherwise keep us waiting, and outlive the hook). Nothing to kill on Windows.
      if (detached) killGroup(child.pid, detached, () => {});
      if (!stopped) closeWithin(CLOSE_AFTER_KILL_MS);
    });
    child.on('close', (code, exitSignal) => {
      exit ??= { code, signal: exitSignal };
      settle(outcome());
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
