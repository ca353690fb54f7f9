import { LineProcess, type LineProcessExit, ProcessError, settlesWithin } from '@codexus/process';
import { CodexusError } from './errors.js';
import { onProcessExit } from './exit-cleanup.js';
import { type Logger, silentLogger } from './logger.js';
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

/**
 * How long a process whose stdout ended may take to exit before we call it a server that closed its
 * stdout but lives on (nothing it does can reach us any more) and take it down with the ladder.
 */
const STDOUT_EOF_EXIT_WAIT_MS = 250;

/**
 * Runs a server as a child process and speaks newline-delimited JSON over its stdin/stdout. The
 * process itself (spawn, framing, stderr tail, shutdown ladder) is `@codexus/process`'s `LineProcess`.
 */
export class StdioTransport implements Transport {
  readonly kind = 'stdio';
  private process: LineProcess | undefined;
  private readonly logger: Logger;
  private writeChain: Promise<void> = Promise.resolve();
  private closeInfo: TransportCloseInfo | undefined;

  constructor(private readonly options: StdioTransportOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** The last bytes of stderr. */
  stderrTail(): string {
    return this.process?.stderrTail() ?? '';
  }

  async start(sink: TransportSink): Promise<void> {
    if (this.process) throw new Error('StdioTransport already started');
    const { command, args = [], env, cwd } = this.options;
    const lineProcess = new LineProcess({
      command,
      args,
      env,
      cwd,
      maxLineBytes: this.options.maxLineBytes,
      stderrTailBytes: this.options.stderrTailBytes ?? 8 * 1024,
      onLine: (text) => sink.message(text),
      onOversizedLine: (line) => sink.dropped('line exceeds maxLineBytes', line),
      onStdoutBytes: (bytes) => sink.bytesIn?.(bytes),
      onStderr: (chunk) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim()) this.logger.debug('codex stderr', { line });
        }
      },
      // EPIPE on a dead child must not crash the host process; the exit path reports it.
      onStdinError: (error) => this.logger.debug('codex stdin error', { error: String(error) }),
    });
    this.process = lineProcess;
    // However this program ends (process.exit, a signal it has no handler for), the child goes too:
    // a codex that hangs (or is stopped) would not see its stdin close and would outlive us.
    const unregister = onProcessExit(() => {
      const pid = lineProcess.pid;
      if (pid !== undefined && lineProcess.exitInfo === undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    });
    void lineProcess.exited.then(unregister, unregister);
    const report = (info: TransportCloseInfo): void => {
      if (this.closeInfo) return;
      this.closeInfo = { ...info, stderrTail: lineProcess.stderrTail() };
      sink.closed(this.closeInfo);
    };
    void lineProcess.exited.then((exit) => report(closeInfoOf(exit)));
    // A server that closes stdout but stays alive can never answer again: report the transport closed
    // (pending work settles now, not at its timeouts) and shut the process down with the ladder.
    void lineProcess.stdoutEnded.then(async () => {
      if (await settlesWithin(lineProcess.exited, STDOUT_EOF_EXIT_WAIT_MS)) return;
      this.logger.warn('codex closed its stdout but is still running; shutting it down', {
        pid: lineProcess.pid,
      });
      report({ reason: 'codex closed its stdout but kept running', exitCode: null, signal: null });
      void this.close();
    });
    try {
      await lineProcess.spawned;
    } catch (error) {
      if (!ProcessError.is(error)) throw error;
      throw new CodexusError('SPAWN_FAILED', error.message, { cause: error.cause, data: { command, args } });
    }
  }

  send(text: string): Promise<void> {
    const next = this.writeChain.then(() => this.write(`${text}\n`));
    this.writeChain = next.catch(() => {});
    return next;
  }

  private async write(data: string): Promise<void> {
    const lineProcess = this.process;
    if (!lineProcess || this.closeInfo || !lineProcess.writable) {
      throw new CodexusError('CONNECTION_CLOSED', 'codex process is not running', {
        data: { ...this.closeInfo },
      });
    }
    await lineProcess.write(data);
  }

  /** The shutdown ladder (end stdin → SIGTERM → SIGKILL), once; resolves when the process is gone. */
  async close(): Promise<void> {
    const lineProcess = this.process;
    if (!lineProcess) return;
    await lineProcess.stop(this.options.shutdownGraceMs ?? 2_000, {
      onEscalate: ({ step, after }) =>
        this.logger.warn(
          after === 'end stdin'
            ? `codex did not exit after stdin closed; sending ${step}`
            : `codex did not exit after ${after}; sending ${step}`,
          { pid: lineProcess.pid },
        ),
    });
  }
}

function closeInfoOf(exit: LineProcessExit): TransportCloseInfo {
  if (exit.error) return { reason: 'spawn failed', error: exit.error };
  const { exitCode, signal } = exit;
  const reason = signal ? `codex process killed by ${signal}` : `codex process exited with code ${exitCode}`;
  return { reason, exitCode, signal };
}
