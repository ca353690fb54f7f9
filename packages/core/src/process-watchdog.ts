import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { runShutdownLadder } from '@codexus/process';
import { CodexusError } from './errors.js';
import { PROCESS_WATCHDOG_SCRIPT } from './process-watchdog-script.js';

/** How a watched command ended. */
export interface WatchedExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessWatchdogOptions {
  command: string;
  args: readonly string[];
  /** The command's complete environment. */
  env: Readonly<Record<string, string>>;
  cwd?: string;
  /** Removed (recursively) by the watchdog when this process dies without cleaning up. */
  dir: string;
  /** After this process dies: SIGTERM to the command, SIGKILL this much later if it still runs. */
  graceMs: number;
}

type Report = { pid: number } | { exit: WatchedExit } | { error: { message: string; code?: string } };

/**
 * Runs a command through a small node watchdog (see `process-watchdog-script.ts`) whose stdin is a
 * pipe from this process. When this process dies, by any means including SIGKILL, the kernel
 * closes the pipe; the watchdog then removes `dir` and stops the command. Linux's
 * `PR_SET_PDEATHSIG` would do the same for one level but is not reachable from Node, and a detached
 * process group alone would let the command outlive us.
 *
 * The watchdog runs in its own process group (not on Windows), so a terminal's Ctrl-C reaches only
 * this process and its signal policy decides (see `exit-cleanup.ts`).
 */
export class ProcessWatchdog {
  /** The command's stderr (it writes straight into this pipe). */
  readonly stderr: Readable;
  /** Resolves with the command's pid once it runs; rejects with `SPAWN_FAILED`. */
  readonly started: Promise<number>;
  /** Resolves when the command (and its watchdog) have exited, with the command's status. */
  readonly exited: Promise<WatchedExit>;
  readonly #watchdog: ChildProcess;
  #pid: number | undefined;
  #running = true;

  constructor(options: ProcessWatchdogOptions) {
    const env: Record<string, string> = { ...options.env };
    if (env.NODE_OPTIONS !== undefined) env.CODEXUS_WATCHDOG_NODE_OPTIONS = env.NODE_OPTIONS;
    delete env.NODE_OPTIONS;
    const watchdog = spawn(
      process.execPath,
      [
        '-e',
        PROCESS_WATCHDOG_SCRIPT,
        '--',
        options.dir,
        String(options.graceMs),
        options.command,
        ...options.args,
      ],
      {
        env,
        cwd: options.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
        windowsHide: true,
      },
    );
    this.#watchdog = watchdog;
    this.stderr = watchdog.stderr!;
    // A watchdog that is gone makes our writes fail: `exited` reports that, not an unhandled error.
    watchdog.stdin!.on('error', () => {});
    const failed = (message: string, cause?: unknown): CodexusError =>
      new CodexusError('SPAWN_FAILED', `could not start ${options.command}: ${message}`, {
        cause,
        data: { command: options.command },
      });
    let reported: WatchedExit | undefined;
    let onStarted!: (pid: number) => void;
    let onFailed!: (error: CodexusError) => void;
    this.started = new Promise<number>((resolve, reject) => {
      onStarted = resolve;
      onFailed = reject;
    });
    this.started.catch(() => {});
    readReports(watchdog.stdout!, (report) => {
      if ('pid' in report) {
        this.#pid = report.pid;
        onStarted(report.pid);
      } else if ('exit' in report) {
        this.#running = false;
        reported = report.exit;
      } else {
        this.#running = false;
        onFailed(failed(report.error.message, Object.assign(new Error(report.error.message), report.error)));
      }
    });
    // `on`, not `once`: an unhandled later 'error' (e.g. a failed kill) would crash the host.
    watchdog.on('error', (error) => onFailed(failed(error.message, error)));
    const stdoutEnded = new Promise<void>((resolve) => watchdog.stdout!.once('close', resolve));
    const watchdogExited = new Promise<WatchedExit>((resolve) =>
      watchdog.once('exit', (exitCode, signal) => resolve({ exitCode, signal })),
    );
    this.exited = Promise.all([watchdogExited, stdoutEnded]).then(([own]) => {
      const wasRunning = this.#running;
      this.#running = false;
      onFailed(
        failed(`the watchdog exited (${own.signal ?? `code ${own.exitCode}`}) before the command ran`),
      );
      // Killed without a word (SIGKILL to the watchdog itself): the command must not stay behind.
      if (wasRunning && this.#pid !== undefined) killQuietly(this.#pid);
      return reported ?? own;
    });
  }

  /** The command's pid, once it runs. */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** The command has not exited (as far as its watchdog has told us). */
  get running(): boolean {
    return this.#running;
  }

  /** Sends a signal to the command (through the watchdog, so never to a reused pid). */
  signal(signal: NodeJS.Signals): void {
    if (this.#running && this.#watchdog.stdin?.writable) this.#watchdog.stdin.write(`${signal}\n`);
  }

  /**
   * The shutdown ladder (`@codexus/process`'s): SIGTERM, then SIGKILL after `graceMs` (0: SIGKILL at
   * once). Resolves on exit.
   */
  async stop(graceMs: number): Promise<void> {
    const kill = { name: 'SIGKILL', run: () => this.signal('SIGKILL') };
    await runShutdownLadder({
      exited: this.exited,
      hasExited: () => !this.#running,
      steps:
        graceMs > 0
          ? [{ name: 'SIGTERM', run: () => this.signal('SIGTERM'), waitMs: graceMs }, kill]
          : [kill],
    });
  }

  /** For exit hooks, where nothing asynchronous runs any more: SIGKILL to the command, now. */
  killSync(): void {
    if (this.#running && this.#pid !== undefined) killQuietly(this.#pid);
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}

function readReports(stdout: Readable, onReport: (report: Report) => void): void {
  let pending = '';
  stdout.setEncoding('utf8');
  stdout.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        onReport(JSON.parse(line) as Report);
      } catch {}
    }
  });
}
