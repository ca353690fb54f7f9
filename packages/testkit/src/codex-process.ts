import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DEFAULT_MAX_LINE_BYTES, LineProcess } from '@codexus/process';
import {
  type CodexNotification,
  type CodexPeer,
  createCodexClient,
  type ServerRequest,
} from './codex-client.js';
import { TestkitError } from './errors.js';
import { resolveCodexBin } from './resolve-codex-bin.js';

/** `initialize` params (the subset a test needs; anything else passes through). */
export interface InitializeParams {
  clientInfo?: { name: string; version: string; title?: string };
  capabilities?: { experimentalApi?: boolean; optOutNotificationMethods?: string[]; [key: string]: unknown };
  [key: string]: unknown;
}

/** The `initialize` result of codex 0.169: `{userAgent, codexHome, platformFamily, platformOs}`. */
export interface InitializeResult {
  userAgent: string;
  codexHome?: string;
  platformFamily?: string;
  platformOs?: string;
  [key: string]: unknown;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  error?: Error;
}

export interface StartCodexOptions {
  /**
   * The `CODEX_HOME` to use: a path, or a {@link CodexHome} (its `env`, e.g. the trust store, is
   * applied under `env`).
   */
  codexHome: string | { readonly path: string; readonly env?: Readonly<Record<string, string | undefined>> };
  /** See {@link resolveCodexBin}; default: resolved from env, the installed package or PATH. */
  codexBin?: string;
  /** Extra arguments after `app-server` (e.g. `['--strict-config']`). */
  args?: readonly string[];
  /** Merged over `process.env` (a value of `undefined` removes the variable). `CODEX_HOME` is always set. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Working directory of the process. Default `process.cwd()`. */
  cwd?: string;
  /**
   * Send `initialize` (then `initialized`) before resolving. Default `true` with clientInfo
   * `{name:"codexus_testkit"}`. Pass params to set clientInfo/capabilities, `false` to do it yourself.
   */
  initialize?: boolean | InitializeParams;
  /** Default timeout of `request` and the `waitFor*` helpers. Default 15 000 ms. */
  timeoutMs?: number;
  /**
   * Answers server requests automatically: the returned value is sent as the `result`; a thrown
   * error becomes a JSON-RPC error. Without it, requests wait in `serverRequests` for `respond`.
   */
  onServerRequest?: (request: ServerRequest) => unknown;
}

/**
 * A minimal line-JSON client over a real `codex app-server` child process, for tests and raw
 * baselines. Not the product's connection (that is `@codexus/core`): no validation, no retries.
 */
export interface CodexProcess extends CodexPeer, AsyncDisposable {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  /** The binary that was launched. */
  readonly codexBin: string;
  /** The `initialize` result, when `initialize` was not `false`. */
  readonly initializeResult: InitializeResult | undefined;
  /** Milliseconds from spawn to the `initialize` result (0 when `initialize: false`). */
  readonly startupMs: number;
  /** Every notification, in arrival order. */
  readonly notifications: readonly CodexNotification[];
  /** Every server request, in arrival order (answered or not). */
  readonly serverRequests: readonly ServerRequest[];
  /**
   * stdout lines that were not JSON (codex should send none). A line over 64 MiB is never buffered
   * whole: it is recorded as `<oversized stdout line: N bytes> ` and its first 200 bytes.
   */
  readonly nonJsonLines: readonly string[];
  /** What the process wrote to stderr (logs): the last 1 MiB. */
  readonly stderr: string;
  /** Set once the process has exited. */
  readonly exitInfo: ExitInfo | undefined;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  /** Writes one JSON line as is. */
  send(message: object): void;
  /**
   * Shuts down: end stdin, wait `graceMs`, SIGTERM, wait `graceMs`, SIGKILL. Resolves with the
   * exit info. Idempotent.
   */
  close(options?: { graceMs?: number }): Promise<ExitInfo>;
}

let cachedVersion: string | undefined;
function testkitVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        version?: string;
      };
      cachedVersion = pkg.version ?? '0.0.0';
    } catch {
      cachedVersion = '0.0.0';
    }
  }
  return cachedVersion;
}

const STDERR_TAIL = 2_000;
/** Bytes of stderr `codex.stderr` keeps (the tail). */
const STDERR_KEPT_BYTES = 1024 * 1024;
/** How long `exited` waits for the rest of stdout after the process exited. */
const STDOUT_DRAIN_MS = 1_000;

/**
 * Launches `codex app-server` with `CODEX_HOME` set and (by default) completes the handshake.
 *
 * ```ts
 * await using codex = await startCodex({ codexHome: home });
 * const { thread } = await codex.request<{ thread: { id: string } }>('thread/start', { cwd });
 * ```
 */
export async function startCodex(options: StartCodexOptions): Promise<CodexProcess> {
  const codexBin = resolveCodexBin(options.codexBin);
  const codexHome = typeof options.codexHome === 'string' ? options.codexHome : options.codexHome.path;
  const env: Record<string, string> = {};
  const homeEnv = typeof options.codexHome === 'string' ? {} : options.codexHome.env;
  for (const [key, value] of Object.entries({ ...process.env, NO_COLOR: '1', ...homeEnv, ...options.env })) {
    if (value !== undefined) env[key] = value;
  }
  env.CODEX_HOME = codexHome;

  const startedAt = performance.now();
  const lineProcess = new LineProcess({
    command: codexBin,
    args: ['app-server', ...(options.args ?? [])],
    cwd: options.cwd,
    env,
    maxLineBytes: DEFAULT_MAX_LINE_BYTES,
    stderrTailBytes: STDERR_KEPT_BYTES,
    stdoutDrainMs: STDOUT_DRAIN_MS,
    onLine: (line) => client.onLine(line),
    onOversizedLine: ({ bytes, preview }) => client.onOversizedLine(bytes, preview),
  });
  const child = lineProcess.child;

  const stderrTail = (): string => lineProcess.stderrTail();
  let exitInfo: ExitInfo | undefined;
  let initializeResult: InitializeResult | undefined;
  let startupMs = 0;

  const exitedError = (what: string): TestkitError | undefined => {
    if (exitInfo === undefined) return undefined;
    return new TestkitError(
      'PROCESS_EXITED',
      `codex app-server exited (code ${exitInfo.code}, signal ${exitInfo.signal}) ${what}. stderr tail:\n${stderrTail().slice(-STDERR_TAIL)}`,
      {
        cause: exitInfo.error,
        data: { code: exitInfo.code, signal: exitInfo.signal, stderrTail: stderrTail().slice(-STDERR_TAIL) },
      },
    );
  };

  const write = (message: object): void => {
    if (exitInfo !== undefined || !lineProcess.writable) return;
    // Backpressure is the pipe's; a write to a process that just died is reported by `exited`.
    lineProcess.write(`${JSON.stringify(message)}\n`).catch(() => {});
  };

  const client = createCodexClient({
    write,
    defaultTimeoutMs: options.timeoutMs ?? 15_000,
    onServerRequest: options.onServerRequest,
    exitedError,
  });

  // Resolves once stdout delivered what the process wrote (bounded by STDOUT_DRAIN_MS).
  const exited = lineProcess.exited.then((exit): ExitInfo => {
    const info: ExitInfo = { code: exit.exitCode, signal: exit.signal };
    if (exit.error !== undefined) info.error = exit.error;
    exitInfo = info;
    client.failPending((method) => exitedError(`before answering ${method}`) as TestkitError);
    return info;
  });

  let closing: Promise<ExitInfo> | undefined;
  const close = (closeOptions: { graceMs?: number } = {}): Promise<ExitInfo> => {
    // The shared ladder: end stdin, wait graceMs, SIGTERM, wait graceMs, SIGKILL.
    closing ??= lineProcess.stop(closeOptions.graceMs ?? 2_000).then(() => exited);
    return closing;
  };

  const codex: CodexProcess = {
    child,
    pid: child.pid ?? -1,
    codexBin,
    get initializeResult() {
      return initializeResult;
    },
    get startupMs() {
      return startupMs;
    },
    notifications: client.notifications,
    serverRequests: client.serverRequests,
    nonJsonLines: client.nonJsonLines,
    get stderr() {
      return stderrTail();
    },
    get exitInfo() {
      return exitInfo;
    },
    exited,
    send: write,
    request: client.request,
    notify: client.notify,
    waitForNotification: client.waitForNotification,
    waitForServerRequest: client.waitForServerRequest,
    respond: client.respond,
    respondError: client.respondError,
    close,
    [Symbol.asyncDispose]: async () => {
      await close();
    },
  };

  const spawned = await lineProcess.spawned.then(
    () => undefined,
    (error: Error) => error,
  );
  if (spawned !== undefined) {
    throw new TestkitError('PROCESS_EXITED', spawned.message, { cause: spawned.cause });
  }

  if (options.initialize !== false) {
    const params: InitializeParams =
      options.initialize === true || options.initialize === undefined
        ? { clientInfo: { name: 'codexus_testkit', version: testkitVersion() } }
        : options.initialize;
    try {
      initializeResult = await codex.request<InitializeResult>('initialize', params);
      startupMs = performance.now() - startedAt;
      codex.notify('initialized');
    } catch (error) {
      await close({ graceMs: 500 });
      throw error;
    }
  }
  return codex;
}
