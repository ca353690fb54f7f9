import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { ProcessError } from './errors.js';
import { type DecodedLine, LineDecoder } from './line-decoder.js';
import { runShutdownLadder, type ShutdownEscalation, type ShutdownOutcome } from './shutdown-ladder.js';
import { TailBuffer } from './tail-buffer.js';

/** How a line process ended. */
export interface LineProcessExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  error?: Error;
}

/** A stdout line longer than `maxLineBytes`: its bytes were dropped, `preview` holds its start. */
export interface OversizedLine {
  bytes: number;
  preview: string;
}

export interface LineProcessOptions {
  command: string;
  args?: readonly string[];
  /** The complete environment of the child. Default: this process's. */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  /** Longest stdout line kept; a longer one is skipped and reported to `onOversizedLine`. Default 64 MiB. */
  maxLineBytes?: number;
  /** Bytes of stderr kept by `stderrTail()`. Default 8 KiB. */
  stderrTailBytes?: number;
  /** How long `exited` waits for the rest of stdout after the process exited. Default 50 ms. */
  stdoutDrainMs?: number;
  /** Every complete, non-blank stdout line (CRLF and LF framing), in order. */
  onLine: (text: string) => void;
  onOversizedLine?: (line: OversizedLine) => void;
  /** Every stdout chunk's size (before framing). */
  onStdoutBytes?: (bytes: number) => void;
  /** Every stderr chunk (it is also kept in the bounded tail). */
  onStderr?: (chunk: Buffer) => void;
  /** A failed write to stdin (EPIPE on a dead child): reported here, never thrown into the host. */
  onStdinError?: (error: Error) => void;
}

export interface LineProcessStopOptions {
  /** Told before each escalation (SIGTERM after stdin end, SIGKILL after SIGTERM). */
  onEscalate?: (escalation: ShutdownEscalation) => void;
}

/**
 * A child process with piped stdio that speaks lines on stdout: bounded line framing, a bounded stderr
 * tail, an `exited` promise that lets stdout drain briefly, writes with backpressure, and `stop`
 * (the shared shutdown ladder). Nothing it does throws into the host: spawn errors reject `spawned`
 * with `SPAWN_FAILED` and resolve `exited` with `error`.
 */
export class LineProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves once the process runs; rejects with `ProcessError('SPAWN_FAILED')`. */
  readonly spawned: Promise<void>;
  /** Resolves when the process is gone and stdout delivered what it could. Never rejects. */
  readonly exited: Promise<LineProcessExit>;
  /** Resolves when stdout ended (its last line was delivered), or failed. Never rejects. */
  readonly stdoutEnded: Promise<void>;
  readonly #stderr: TailBuffer;
  #exit: LineProcessExit | undefined;
  #stopping: Promise<LineProcessExit> | undefined;

  constructor(options: LineProcessOptions) {
    const { command, args = [] } = options;
    this.#stderr = new TailBuffer(options.stderrTailBytes ?? 8 * 1024);
    const child = spawn(command, [...args], {
      env: options.env as NodeJS.ProcessEnv | undefined,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    const decoder = new LineDecoder({ maxLineBytes: options.maxLineBytes });
    const deliver = (lines: DecodedLine[]): void => {
      for (const line of lines) {
        if (line.kind === 'line') options.onLine(line.text);
        else options.onOversizedLine?.({ bytes: line.bytes, preview: line.preview });
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      options.onStdoutBytes?.(chunk.length);
      deliver(decoder.push(chunk));
    });
    this.stdoutEnded = new Promise<void>((resolve) => {
      child.stdout.once('end', () => {
        deliver(decoder.end());
        resolve();
      });
      child.stdout.once('close', resolve);
      child.stdout.once('error', () => resolve());
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr.push(chunk);
      options.onStderr?.(chunk);
    });
    child.stderr.on('error', () => {});
    child.stdin.on('error', (error) => options.onStdinError?.(error));

    this.spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) =>
        reject(
          new ProcessError('SPAWN_FAILED', `could not start ${command}: ${error.message}`, {
            cause: error,
            data: { command, args: [...args] },
          }),
        ),
      );
    });
    this.spawned.catch(() => {});
    const drainMs = options.stdoutDrainMs ?? 50;
    this.exited = new Promise<LineProcessExit>((resolve) => {
      const finish = (info: LineProcessExit): void => {
        if (this.#exit) return;
        this.#exit = info;
        resolve(info);
      };
      child.once('exit', (exitCode, signal) => {
        // Give stdout a moment to deliver what the process wrote before it died, but not more.
        const timer = setTimeout(() => finish({ exitCode, signal }), drainMs);
        timer.unref();
        void this.stdoutEnded.then(() => {
          clearTimeout(timer);
          finish({ exitCode, signal });
        });
      });
      // `on`, not `once`: a later 'error' (a failed kill) must not crash the host.
      child.on('error', (error) => {
        if (child.pid === undefined) finish({ exitCode: null, signal: null, error });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Set once `exited` has resolved. */
  get exitInfo(): LineProcessExit | undefined {
    return this.#exit;
  }

  /** stdin still takes writes. */
  get writable(): boolean {
    const { stdin } = this.child;
    return this.#exit === undefined && !stdin.destroyed && stdin.writable && !stdin.writableEnded;
  }

  /** The last `stderrTailBytes` of stderr (a partial UTF-8 sequence at the start dropped). */
  stderrTail(): string {
    return this.#stderr.text();
  }

  /**
   * Writes to stdin; when the pipe is full, resolves after it drained (or the process exited).
   * Rejects with `ProcessError('NOT_RUNNING')` when stdin no longer takes writes.
   */
  async write(data: string | Uint8Array): Promise<void> {
    if (!this.writable) {
      throw new ProcessError('NOT_RUNNING', `${this.child.spawnfile} is not running`, {
        data: { pid: this.pid, ...this.#exit },
      });
    }
    if (!this.child.stdin.write(data)) {
      await Promise.race([once(this.child.stdin, 'drain').catch(() => {}), this.exited]);
    }
  }

  /**
   * The shutdown ladder, once: end stdin, wait `graceMs`, SIGTERM, wait `graceMs`, SIGKILL, wait for
   * the exit. Resolves with how the process ended. Idempotent.
   */
  stop(graceMs: number, options: LineProcessStopOptions = {}): Promise<LineProcessExit> {
    this.#stopping ??= this.#ladder(graceMs, options).then(() => this.exited);
    return this.#stopping;
  }

  #ladder(graceMs: number, options: LineProcessStopOptions): Promise<ShutdownOutcome> {
    const { child } = this;
    return runShutdownLadder({
      exited: this.exited,
      hasExited: () => this.#exit !== undefined || child.pid === undefined,
      onEscalate: options.onEscalate,
      steps: [
        { name: 'end stdin', run: () => child.stdin.end(), waitMs: graceMs },
        { name: 'SIGTERM', run: () => child.kill('SIGTERM'), waitMs: graceMs },
        { name: 'SIGKILL', run: () => child.kill('SIGKILL') },
      ],
    });
  }
}

/** Spawns `command` as a {@link LineProcess}; resolves once it runs, rejects `SPAWN_FAILED`. */
export async function startLineProcess(options: LineProcessOptions): Promise<LineProcess> {
  const lineProcess = new LineProcess(options);
  await lineProcess.spawned;
  return lineProcess;
}
