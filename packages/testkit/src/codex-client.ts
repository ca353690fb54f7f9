import type { JsonRpcErrorObject } from './errors.js';
import { TestkitError } from './errors.js';
import { createWakeups, waitUntil } from './internal/wait-until.js';

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

export interface TimeoutOption {
  timeoutMs?: number;
}

export interface WaitForOptions extends TimeoutOption {
  /** Only consider messages at or after this index (e.g. `codex.notifications.length` taken earlier). Default 0. */
  since?: number;
}

/** What the line-JSON client needs from the process it speaks over. */
export interface CodexClientOptions {
  /** Writes one message as a JSON line (a no-op once the process is gone). */
  write: (message: object) => void;
  /** Default timeout of `request` and the waits. */
  defaultTimeoutMs: number;
  /** See `StartCodexOptions.onServerRequest`. */
  onServerRequest: ((request: ServerRequest) => unknown) | undefined;
  /** The error for something that cannot happen because the process exited (`undefined` while it runs). */
  exitedError: (what: string) => TestkitError | undefined;
}

/** The JSON-RPC side of a codex process, as a test drives it. */
export interface CodexPeer {
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
}

/**
 * The line-level half of `startCodex`: routes each stdout line by its shape (a response to one of
 * our ids, a notification, a server request, or not JSON), numbers our requests, and answers the
 * waits. The process half (spawn, exit, shutdown, handshake) is `startCodex`'s.
 */
export interface CodexClient extends CodexPeer {
  readonly notifications: CodexNotification[];
  readonly serverRequests: ServerRequest[];
  readonly nonJsonLines: string[];
  /** One complete stdout line. */
  onLine(line: string): void;
  /** A stdout line over the limit, never buffered whole. */
  onOversizedLine(bytes: number, preview: string): void;
  /** The process exited: rejects every pending request with `error(method)`, wakes the waits. */
  failPending(error: (method: string) => Error): void;
}

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export function createCodexClient(options: CodexClientOptions): CodexClient {
  const { write, defaultTimeoutMs, exitedError } = options;
  const notifications: CodexNotification[] = [];
  const serverRequests: ServerRequest[] = [];
  const nonJsonLines: string[] = [];
  const pending = new Map<number | string, Pending>();
  const changes = createWakeups();
  let nextId = 1;

  const answerAutomatically = (request: ServerRequest): void => {
    const handler = options.onServerRequest;
    if (handler === undefined) return;
    Promise.resolve()
      .then(() => handler(request))
      .then(
        (result) => client.respond(request.id, result ?? {}),
        (error: unknown) =>
          client.respondError(request.id, {
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

  const client: CodexClient = {
    notifications,
    serverRequests,
    nonJsonLines,
    onLine,
    onOversizedLine(bytes, preview) {
      nonJsonLines.push(`<oversized stdout line: ${bytes} bytes> ${preview}`);
      changes.wake();
    },
    failPending(error) {
      for (const [id, entry] of pending) {
        clearTimeout(entry.timer);
        pending.delete(id);
        entry.reject(error(entry.method));
      }
      changes.wake();
    },
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
  };
  return client;
}

function match<T extends { method: string }>(
  list: readonly T[],
  method: string | undefined,
  predicate: ((value: T) => boolean) | undefined,
  since: number,
): T | undefined {
  for (let i = since; i < list.length; i += 1) {
    const value = list[i] as T;
    if ((method === undefined || value.method === method) && (predicate === undefined || predicate(value))) {
      return value;
    }
  }
  return undefined;
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
