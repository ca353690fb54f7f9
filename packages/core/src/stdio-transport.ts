import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { CodexusError } from './errors.js';
import { LineDecoder } from './line-decoder.js';
import { type Logger, silentLogger } from './logger.js';
import { TailBuffer } from './tail-buffer.js';
import { within } from './timing.js';
import type { Transport, TransportCloseInfo, TransportSink } from './transport.js';

export interface StdioTransportOptions {
  command: string;
  args?: readonly string[];
  /** The complete environment of the child. */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  logger?: Logger;
  maxLineBytes?: number;
  /** Bytes of stderr kept for error reports. Default 8 KiB. */
  stderrTailBytes?: number;
  /** Shutdown ladder: after stdin ends, wait this long before SIGTERM, then as long again before SIGKILL. */
  shutdownGraceMs?: number;
}

/** How long we wait for the rest of stdout after the process exited, before declaring it closed. */
const STDOUT_DRAIN_MS = 50;
/**
 * How long a process whose stdout ended may take to exit before we call it a server that closed its
 * stdout but lives on (nothing it does can reach us any more) and take it down with the ladder.
 */
const STDOUT_EOF_EXIT_WAIT_MS = 250;

/** Runs a server as a child process and speaks newline-delimited JSON over its stdin/stdout. */
export class StdioTransport implements Transport {
  readonly kind = 'stdio';
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly stderr: TailBuffer;
  private readonly logger: Logger;
  private writeChain: Promise<void> = Promise.resolve();
  private exited: Promise<TransportCloseInfo> | undefined;
  private closing: Promise<void> | undefined;
  private closeInfo: TransportCloseInfo | undefined;

  constructor(private readonly options: StdioTransportOptions) {
    this.stderr = new TailBuffer(options.stderrTailBytes ?? 8 * 1024);
    this.logger = options.logger ?? silentLogger;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last bytes of stderr. */
  stderrTail(): string {
    return this.stderr.text();
  }

  async start(sink: TransportSink): Promise<void> {
    if (this.child) throw new Error('StdioTransport already started');
    const { command, args = [], env, cwd } = this.options;
    const child = spawn(command, [...args], {
      env: env as NodeJS.ProcessEnv,
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    const decoder = new LineDecoder({ maxLineBytes: this.options.maxLineBytes });
    const deliver = (lines: ReturnType<LineDecoder['push']>): void => {
      for (const line of lines) {
        if (line.kind === 'line') sink.message(line.text);
        else sink.dropped('line exceeds maxLineBytes', { bytes: line.bytes, preview: line.preview });
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      sink.bytesIn?.(chunk.length);
      deliver(decoder.push(chunk));
    });
    const stdoutEnded = once(child.stdout, 'end').then(() => deliver(decoder.end()));
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr.push(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) this.logger.debug('codex stderr', { line });
      }
    });
    // EPIPE on a dead child must not crash the host process; the exit path reports it.
    child.stdin.on('error', (error) => this.logger.debug('codex stdin error', { error: String(error) }));

    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) =>
        reject(
          new CodexusError('SPAWN_FAILED', `could not start ${command}: ${error.message}`, {
            cause: error,
            data: { command, args },
          }),
        ),
      );
    });
    const exited = new Promise<TransportCloseInfo>((resolve) => {
      child.once('exit', (exitCode, signal) => {
        // Give stdout a moment to deliver what the process wrote before it died, but not more.
        const timer = setTimeout(finish, STDOUT_DRAIN_MS);
        timer.unref();
        void stdoutEnded.then(finish, finish);
        let done = false;
        function finish(): void {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve({ reason: describeExit(exitCode, signal), exitCode, signal });
        }
      });
      child.once('error', (error) => {
        // An error after spawn (e.g. kill failed) — or the spawn error itself — ends the transport.
        if (child.exitCode === null && child.pid === undefined) resolve({ reason: 'spawn failed', error });
      });
    });
    const report = (info: TransportCloseInfo): void => {
      if (this.closeInfo) return;
      this.closeInfo = { ...info, stderrTail: this.stderr.text() };
      sink.closed(this.closeInfo);
    };
    this.exited = exited;
    void exited.then(report);
    // A server that closes stdout but stays alive can never answer again: report the transport closed
    // (pending work settles now, not at its timeouts) and shut the process down with the ladder.
    const onStdoutGone = async (): Promise<void> => {
      if (await settlesWithin(exited, STDOUT_EOF_EXIT_WAIT_MS)) return;
      this.logger.warn('codex closed its stdout but is still running; shutting it down', { pid: child.pid });
      report({ reason: 'codex closed its stdout but kept running', exitCode: null, signal: null });
      void this.stopProcess();
    };
    void stdoutEnded.then(onStdoutGone, onStdoutGone);
    await spawned;
  }

  send(text: string): Promise<void> {
    const next = this.writeChain.then(() => this.write(`${text}\n`));
    this.writeChain = next.catch(() => {});
    return next;
  }

  private async write(data: string): Promise<void> {
    const child = this.child;
    if (!child || this.closeInfo || child.stdin.destroyed || !child.stdin.writable) {
      throw new CodexusError('CONNECTION_CLOSED', 'codex process is not running', {
        data: { ...this.closeInfo },
      });
    }
    if (!child.stdin.write(data)) {
      await Promise.race([once(child.stdin, 'drain'), this.exited]);
    }
  }

  close(): Promise<void> {
    return this.stopProcess();
  }

  /** The shutdown ladder, once; resolves when the process is gone. */
  private stopProcess(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) return;
    const grace = this.options.shutdownGraceMs ?? 2_000;
    child.stdin.end();
    if (await settlesWithin(exited, grace)) return;
    this.logger.warn('codex did not exit after stdin closed; sending SIGTERM', { pid: child.pid });
    child.kill('SIGTERM');
    if (await settlesWithin(exited, grace)) return;
    this.logger.warn('codex did not exit after SIGTERM; sending SIGKILL', { pid: child.pid });
    child.kill('SIGKILL');
    await exited;
  }
}

/** True when `promise` (which never rejects) settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return (
    (await within(
      promise.then(() => true),
      ms,
    )) === true
  );
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `codex process killed by ${signal}`;
  return `codex process exited with code ${code}`;
}
