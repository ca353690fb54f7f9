import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DEFAULT_MAX_LINE_BYTES, LineProcess } from '@codexus/process';
import { type JsonRpcErrorObject, TestkitError } from './errors.js';
import { createWakeups, waitUntil } from './internal/wait-until.js';
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

export type Params = Record<string, unknown>;

/** A notification from the server (`method` without `id`). codex adds a top-level `emittedAtMs`. */
export interface CodexNotification<P = Params> {
  method: string;
  params: P;
  emittedAtMs?: number;
  /** Position in `codex.notifications`. */
  index: number;
}

/** A request from the server (`method` and `id`), e.g. `item/commandExecution/requestApproval`. */
export interface ServerRequest<P = Params> {
  /** The server's own id (counted from 0; overlaps client ids). Answer with `respond(id, result)`. */
  id: number | string;
  method: string;
  params: P;
  /** Whether `respond` / `respondError` was called for it. */
  answered: boolean;
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

export interface TimeoutOption {
  timeoutMs?: number;
}

export interface WaitForOptions extends TimeoutOption {
  /** Only consider messages at or after this index (e.g. `codex.notifications.length` taken earlier). Default 0. */
  since?: number;
}

/**
 * A minimal line-JSON client over a real `codex app-server` child process, for tests and raw
 * baselines. Not the product's connection (that is `@codexus/core`): no validation, no retries.
 */
export interface CodexProcess extends AsyncDisposable {
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
  /** Sends a request with the next id; resolves its `result`, rejects `RPC_ERROR`, `TIMEOUT` or `PROCESS_EXITED`. */
  request<R = unknown>(method: string, params?: unknown, options?: TimeoutOption): Promise<R>;
  /** Sends a notification (e.g. `initialized`). */
  notify(method: string, params?: unknown): void;
  /** The first notification (from `since`) with this method that matches `predicate`, waiting if needed. */
  waitForNotification<P = Params>(
    method: string,
    predicate?: (notification: CodexNotification<P>) => boolean,
    options?: WaitForOptions,
  ): Promise<CodexNotification<P>>;
  /** The first server request (from `since`) with this method (any if omitted) matching `predicate`. */
  waitForServerRequest<P = Params>(
    method?: string,
    predicate?: (request: ServerRequest<P>) => boolean,
    options?: WaitForOptions,
  ): Promise<ServerRequest<P>>;
  /** Answers a server request with a result. */
  respond(id: number | string, result: unknown): void;
  /** Answers a server request with a JSON-RPC error. */
  respondError(id: number | string, error: JsonRpcErrorObject): void;
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

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

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
  const defaultTimeoutMs = options.timeoutMs ?? 15_000;
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
    onLine: (line) => onLine(line),
    onOversizedLine: ({ bytes, preview }) => {
      nonJsonLines.push(`<oversized stdout line: ${bytes} bytes> ${preview}`);
      changes.wake();
    },
  });
  const child = lineProcess.child;

  const notifications: CodexNotification[] = [];
  const serverRequests: ServerRequest[] = [];
  const nonJsonLines: string[] = [];
  const pending = new Map<number | string, Pending>();
  const changes = createWakeups();
  const stderrTail = (): string => lineProcess.stderrTail();
  let nextId = 1;
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

  // Resolves once stdout delivered what the process wrote (bounded by STDOUT_DRAIN_MS).
  const exited = lineProcess.exited.then((exit): ExitInfo => {
    const info: ExitInfo = { code: exit.exitCode, signal: exit.signal };
    if (exit.error !== undefined) info.error = exit.error;
    exitInfo = info;
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      pending.delete(id);
      entry.reject(exitedError(`before answering ${entry.method}`) as TestkitError);
    }
    changes.wake();
    return info;
  });

  const write = (message: object): void => {
    if (exitInfo !== undefined || !lineProcess.writable) return;
    // Backpressure is the pipe's; a write to a process that just died is reported by `exited`.
    lineProcess.write(`${JSON.stringify(message)}\n`).catch(() => {});
  };

  const answerAutomatically = (request: ServerRequest): void => {
    const handler = options.onServerRequest;
    if (handler === undefined) return;
    Promise.resolve()
      .then(() => handler(request))
      .then(
        (result) => codex.respond(request.id, result ?? {}),
        (error: unknown) =>
          codex.respondError(request.id, {
            code: -32603,
            message: error instanceof Error ? error.message : String(error),
          }),
      );
  };

  function onLine(line: string): void {
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
      message = parsed as Record<string, unknown>;
    } catch {
      nonJsonLines.push(line);
      return;
    }
    const id = message.id as number | string | undefined;
    const method = message.method;
    if (typeof method === 'string' && id !== undefined) {
      const request: ServerRequest = {
        id,
        method,
        params: (message.params ?? {}) as Params,
        answered: false,
      };
      serverRequests.push(request);
      answerAutomatically(request);
    } else if (typeof method === 'string') {
      const notification: CodexNotification = {
        method,
        params: (message.params ?? {}) as Params,
        index: notifications.length,
      };
      if (typeof message.emittedAtMs === 'number') notification.emittedAtMs = message.emittedAtMs;
      notifications.push(notification);
    } else if (id !== undefined) {
      const entry = pending.get(id);
      if (entry !== undefined) {
        pending.delete(id);
        clearTimeout(entry.timer);
        if (message.error !== undefined) {
          const rpcError = message.error as JsonRpcErrorObject;
          entry.reject(
            new TestkitError(
              'RPC_ERROR',
              `${entry.method} failed: ${rpcError.message} (code ${rpcError.code})`,
              {
                rpcError,
                data: { method: entry.method },
              },
            ),
          );
        } else {
          entry.resolve(message.result);
        }
      }
    }
    changes.wake();
  }

  let closing: Promise<ExitInfo> | undefined;
  const close = (closeOptions: { graceMs?: number } = {}): Promise<ExitInfo> => {
    // The shared ladder: end stdin, wait graceMs, SIGTERM, wait graceMs, SIGKILL.
    closing ??= lineProcess.stop(closeOptions.graceMs ?? 2_000).then(() => exited);
    return closing;
  };

  const match = <T extends { method: string }>(
    list: readonly T[],
    method: string | undefined,
    predicate: ((value: T) => boolean) | undefined,
    since: number,
  ): T | undefined => {
    for (let i = since; i < list.length; i += 1) {
      const value = list[i] as T;
      if (
        (method === undefined || value.method === method) &&
        (predicate === undefined || predicate(value))
      ) {
        return value;
      }
    }
    return undefined;
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
    notifications,
    serverRequests,
    nonJsonLines,
    get stderr() {
      return stderrTail();
    },
    get exitInfo() {
      return exitInfo;
    },
    exited,
    send: write,
    request<R = unknown>(method: string, params?: unknown, requestOptions: TimeoutOption = {}): Promise<R> {
      const error = exitedError(`before ${method} was sent`);
      if (error !== undefined) return Promise.reject(error);
      const id = nextId;
      nextId += 1;
      const timeoutMs = requestOptions.timeoutMs ?? defaultTimeoutMs;
      return new Promise<R>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(
            new TestkitError('TIMEOUT', `${method} got no answer within ${timeoutMs} ms`, {
              data: { method, id },
            }),
          );
        }, timeoutMs);
        timer.unref();
        pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject, timer });
        write(params === undefined ? { id, method } : { id, method, params });
      });
    },
    notify(method, params) {
      write(params === undefined ? { method } : { method, params });
    },
    waitForNotification<P = Params>(
      method: string,
      predicate?: (notification: CodexNotification<P>) => boolean,
      waitOptions: WaitForOptions = {},
    ): Promise<CodexNotification<P>> {
      const timeoutMs = waitOptions.timeoutMs ?? defaultTimeoutMs;
      const list = notifications as unknown as CodexNotification<P>[];
      return waitUntil(
        () => match(list, method, predicate, waitOptions.since ?? 0),
        changes.subscribe,
        {
          timeoutMs,
          describe: () =>
            `no matching ${method} notification within ${timeoutMs} ms (seen: ${summarize(notifications.slice(waitOptions.since ?? 0))})`,
        },
        () => exitedError(`while waiting for ${method}`),
      );
    },
    waitForServerRequest<P = Params>(
      method?: string,
      predicate?: (request: ServerRequest<P>) => boolean,
      waitOptions: WaitForOptions = {},
    ): Promise<ServerRequest<P>> {
      const timeoutMs = waitOptions.timeoutMs ?? defaultTimeoutMs;
      const list = serverRequests as unknown as ServerRequest<P>[];
      return waitUntil(
        () => match(list, method, predicate, waitOptions.since ?? 0),
        changes.subscribe,
        {
          timeoutMs,
          describe: () =>
            `no matching server request ${method ?? '(any)'} within ${timeoutMs} ms (seen: ${summarize(serverRequests.slice(waitOptions.since ?? 0))})`,
        },
        () => exitedError(`while waiting for server request ${method ?? '(any)'}`),
      );
    },
    respond(id, result) {
      markAnswered(serverRequests, id);
      write({ id, result });
    },
    respondError(id, error) {
      markAnswered(serverRequests, id);
      write({ id, error });
    },
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

function markAnswered(requests: ServerRequest[], id: number | string): void {
  for (let i = requests.length - 1; i >= 0; i -= 1) {
    const request = requests[i] as ServerRequest;
    if (request.id === id && !request.answered) {
      request.answered = true;
      return;
    }
  }
}

function summarize(list: readonly { method: string }[]): string {
  if (list.length === 0) return 'none';
  const names = list.map((entry) => entry.method);
  return names.length > 20 ? `${names.slice(-20).join(', ')} (last 20 of ${names.length})` : names.join(', ');
}
