import {
  createJSONRPCErrorResponse,
  createJSONRPCRequest,
  JSONRPCClient,
  type JSONRPCErrorResponse,
  type JSONRPCID,
  type JSONRPCResponse,
} from 'json-rpc-2.0';
import { AsyncQueue } from './async-queue.js';
import { backoffDelay, DEFAULT_OVERLOAD_RETRY, type RetryPolicy } from './backoff.js';
import { type Disposable, toDisposable } from './disposable.js';
import { Emitter } from './emitter.js';
import { CodexRpcError, CodexusError } from './errors.js';
import { type Logger, silentLogger, type WireTrace } from './logger.js';
import { ConnectionMetrics, type ConnectionMetricsSnapshot } from './metrics.js';
import type { RequestOptions } from './request-options.js';
import { delay, within } from './timing.js';
import type { Transport, TransportCloseInfo } from './transport.js';

export type ConnectionState = 'starting' | 'ready' | 'closing' | 'closed';

/** A JSON-RPC request id. */
export type RequestId = JSONRPCID;

/** A notification from the server. `emittedAtMs` is codex's extra envelope member, when present. */
export interface ServerNotification {
  method: string;
  params: unknown;
  emittedAtMs?: number;
  receivedAtMs: number;
}

/** A request from the server. Answer it exactly once with `respond` or `respondError`. */
export interface ServerRequest {
  /** The server's own id (codex numbers them from 0; they overlap with ours). */
  id: RequestId;
  method: string;
  params: unknown;
  receivedAtMs: number;
  readonly answered: boolean;
  respond(result: unknown): Promise<void>;
  respondError(error: { code: number; message: string; data?: unknown }): Promise<void>;
}

export type NotificationListener = (notification: ServerNotification) => void;
export type ServerRequestHandler = (request: ServerRequest) => void;

export interface ConnectionOptions {
  logger?: Logger;
  /** Opt-in wire trace: every line in and out. */
  trace?: WireTrace;
  /** Default timeout for requests that pass none. Default 60 000 ms; 0 disables. */
  requestTimeoutMs?: number;
  /** Retry policy for `-32001` overload answers. */
  overloadRetry?: RetryPolicy;
}

interface Pending {
  method: string;
  fail(error: unknown): void;
}

/**
 * One JSON-RPC peer over one transport (one codex process). Writes are ordered; inbound messages are
 * routed by shape; server requests go to one handler or into a queue, never answered on their own.
 * When the transport dies, every pending request is rejected once with `CONNECTION_CLOSED`.
 */
export class Connection implements AsyncDisposable {
  private stateValue: ConnectionState = 'starting';
  private readonly logger: Logger;
  private readonly rpc: JSONRPCClient;
  private nextId = 1;
  private readonly pending = new Map<JSONRPCID, Pending>();
  private readonly notifications: Emitter<ServerNotification>;
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private serverRequestHandler: ServerRequestHandler | undefined;
  private readonly serverRequestQueue = new AsyncQueue<ServerRequest>();
  private readonly openServerRequests = new Map<string, ServerRequest>();
  private closeInfoValue: TransportCloseInfo | undefined;
  private readonly closedPromise: Promise<TransportCloseInfo>;
  private resolveClosed!: (info: TransportCloseInfo) => void;
  private readonly metricsRecorder = new ConnectionMetrics();

  constructor(
    readonly transport: Transport,
    private readonly options: ConnectionOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.notifications = new Emitter(this.logger);
    this.rpc = new JSONRPCClient((payload: Record<string, unknown>) => this.write(payload));
    this.closedPromise = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Why the connection closed (once closed). */
  get closeInfo(): TransportCloseInfo | undefined {
    return this.closeInfoValue;
  }

  /** Resolves when the connection is closed, with the reason. Never rejects. */
  get closed(): Promise<TransportCloseInfo> {
    return this.closedPromise;
  }

  /** Starts the transport. The connection is `starting` until `markReady()` (after the handshake). */
  async start(): Promise<void> {
    try {
      await this.transport.start({
        message: (text) => this.receive(text),
        dropped: (reason, detail) => {
          this.metricsRecorder.droppedLines++;
          this.logger.warn(`dropped inbound frame: ${reason}`, detail);
        },
        bytesIn: (count) => {
          this.metricsRecorder.bytesIn += count;
        },
        closed: (info) => this.teardown(info),
      });
    } catch (error) {
      this.teardown({ reason: 'transport failed to start', error });
      throw error;
    }
  }

  /** Marks the handshake done. */
  markReady(): void {
    if (this.stateValue === 'starting') this.setState('ready');
  }

  /** Subscribe to state changes. */
  onStateChange(fn: (state: ConnectionState) => void): Disposable {
    this.stateListeners.add(fn);
    return toDisposable(() => this.stateListeners.delete(fn));
  }

  /**
   * Sends a request and resolves with its result. Rejects with `CodexRpcError` (server error),
   * `REQUEST_TIMEOUT`, `ABORTED` or `CONNECTION_CLOSED`. Overload answers are retried with backoff.
   */
  async request<R = unknown>(method: string, params?: unknown, options: RequestOptions = {}): Promise<R> {
    const policy = this.options.overloadRetry ?? DEFAULT_OVERLOAD_RETRY;
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.requestOnce(method, params, options)) as R;
      } catch (error) {
        if (!(CodexRpcError.isInstance(error) && error.isOverloaded()) || attempt >= policy.maxRetries)
          throw error;
        this.metricsRecorder.overloadRetries++;
        const wait = backoffDelay(attempt, policy);
        this.logger.debug('server overloaded; retrying', { method, attempt: attempt + 1, delayMs: wait });
        await delay(wait, options.signal).catch(() => {
          throw abortError(method, options.signal);
        });
      }
    }
  }

  private requestOnce(method: string, params: unknown, options: RequestOptions): Promise<unknown> {
    const closed = this.ensureOpen(method);
    if (closed) return Promise.reject(closed);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(method, signal));
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? 60_000;
    const id = this.nextId++;
    const startedAt = performance.now();
    this.metricsRecorder.requests++;
    return new Promise((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        this.pending.delete(id);
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      // Settles our side now and removes the library's entry, so a late answer is ignored.
      const failLocally = (error: unknown): void => {
        settle(() => reject(error));
        this.rpc.receive(createJSONRPCErrorResponse(id, 0, 'settled locally'));
      };
      const onAbort = (): void => failLocally(abortError(method, signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        timer = setTimeout(
          () =>
            failLocally(
              new CodexusError('REQUEST_TIMEOUT', `${method}: no answer within ${timeoutMs} ms`, {
                data: { method, timeoutMs },
              }),
            ),
          timeoutMs,
        );
        timer.unref?.();
      }
      this.pending.set(id, { method, fail: failLocally });
      this.rpc.requestAdvanced(createJSONRPCRequest(id, method, params)).then(
        (response: JSONRPCResponse) => {
          if (settled) return;
          this.metricsRecorder.recordLatency(method, performance.now() - startedAt);
          if ('error' in response && response.error) {
            this.metricsRecorder.errors++;
            const { code, message, data } = (response as JSONRPCErrorResponse).error;
            settle(() => reject(new CodexRpcError(method, code, message, data)));
          } else {
            settle(() => resolve(response.result));
          }
        },
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  /** Sends a notification (no answer). */
  async notify(method: string, params?: unknown): Promise<void> {
    const closed = this.ensureOpen(method);
    if (closed) throw closed;
    await this.write(params === undefined ? { method } : { method, params });
  }

  /** Listen to one notification method, or every notification with `'*'`. Returns a disposable. */
  on(method: string, listener: NotificationListener): Disposable {
    return this.notifications.on(method, listener);
  }

  /**
   * Routes every server request to `handler` (one at a time; a new handler replaces the old). Requests
   * that arrived while no handler was set are delivered to it first. Dispose to go back to queueing.
   */
  setServerRequestHandler(handler: ServerRequestHandler): Disposable {
    this.serverRequestHandler = handler;
    for (const queued of this.serverRequestQueue.take(() => true)) this.dispatchServerRequest(queued);
    return toDisposable(() => {
      if (this.serverRequestHandler === handler) this.serverRequestHandler = undefined;
    });
  }

  /** Server requests that arrived while no handler was set, as an async iterable (drains the queue). */
  serverRequests(): AsyncIterable<ServerRequest> {
    return this.serverRequestQueue;
  }

  /** Server requests not yet answered. */
  pendingServerRequests(): ServerRequest[] {
    return [...this.openServerRequests.values()];
  }

  /** Answers a server request by id. */
  async respond(id: RequestId, result: unknown): Promise<void> {
    const request = this.openServerRequests.get(keyOf(id));
    if (request) return request.respond(result);
    await this.write({ id, result });
  }

  /** Answers a server request by id with an error. */
  async respondError(id: RequestId, error: { code: number; message: string; data?: unknown }): Promise<void> {
    const request = this.openServerRequests.get(keyOf(id));
    if (request) return request.respondError(error);
    await this.write({ id, error });
  }

  metrics(): ConnectionMetricsSnapshot {
    return this.metricsRecorder.snapshot(this.pending.size, this.openServerRequests.size);
  }

  /** Closes the transport (graceful ladder) and settles everything pending. Idempotent. */
  async close(): Promise<void> {
    if (this.stateValue !== 'closed' && this.stateValue !== 'closing') this.setState('closing');
    await this.transport.close();
    this.teardown({ reason: 'closed by client' });
    await this.closedPromise;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private ensureOpen(method: string): CodexusError | undefined {
    if (this.stateValue === 'closed' || this.stateValue === 'closing') {
      return closedError(method, this.closeInfoValue ?? { reason: 'connection is closing' });
    }
    return undefined;
  }

  private async write(message: Record<string, unknown>): Promise<void> {
    // codex never sends the `jsonrpc` member; we write messages the way it writes them.
    const { jsonrpc: _omit, ...wire } = message;
    const text = JSON.stringify(wire);
    this.metricsRecorder.bytesOut += Buffer.byteLength(text) + 1;
    this.options.trace?.({ direction: 'out', text, atMs: Date.now() });
    try {
      await this.transport.send(text);
    } catch (error) {
      // A write fails when the process is dying; report it with the exit details, like the rest.
      const info = this.closeInfoValue ?? (await within(this.closedPromise, CLOSE_REPORT_WAIT_MS));
      const method = typeof wire.method === 'string' ? wire.method : 'response';
      const typed = info
        ? closedError(method, info)
        : new CodexusError('CONNECTION_CLOSED', `${method}: write failed: ${String(error)}`, {
            cause: error,
          });
      if ('id' in wire && 'method' in wire) this.pending.get(wire.id as JSONRPCID)?.fail(typed);
      throw typed;
    }
  }

  private receive(text: string): void {
    this.options.trace?.({ direction: 'in', text, atMs: Date.now() });
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      this.metricsRecorder.droppedLines++;
      this.logger.warn('dropped a non-JSON line from the server', {
        preview: text.slice(0, 200),
        error: String(error),
      });
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.metricsRecorder.droppedLines++;
      this.logger.warn('dropped a message that is not a JSON object', { preview: text.slice(0, 200) });
      return;
    }
    const msg = message as Record<string, unknown>;
    const hasId = 'id' in msg && msg.id !== undefined && msg.id !== null;
    if (typeof msg.method === 'string') {
      if (hasId) this.onServerRequest(msg.id as JSONRPCID, msg.method, msg.params);
      else this.onNotification(msg);
      return;
    }
    if (hasId && ('result' in msg || 'error' in msg)) {
      this.metricsRecorder.responses++;
      // The library wants the `jsonrpc` member that codex leaves out.
      this.rpc.receive({ jsonrpc: '2.0', ...msg } as unknown as JSONRPCResponse);
      return;
    }
    this.metricsRecorder.droppedLines++;
    this.logger.warn('dropped a message of unknown shape', { preview: text.slice(0, 200) });
  }

  private onNotification(msg: Record<string, unknown>): void {
    const method = msg.method as string;
    this.metricsRecorder.recordNotification(method);
    const notification: ServerNotification = {
      method,
      params: msg.params,
      receivedAtMs: Date.now(),
      ...(typeof msg.emittedAtMs === 'number' ? { emittedAtMs: msg.emittedAtMs } : {}),
    };
    this.notifications.emit(method, notification);
  }

  private onServerRequest(id: JSONRPCID, method: string, params: unknown): void {
    this.metricsRecorder.serverRequests++;
    let answered = false;
    const answer = async (payload: Record<string, unknown>): Promise<void> => {
      if (answered)
        throw new CodexusError('PROTOCOL_VIOLATION', `server request ${method} (${id}) was already answered`);
      answered = true;
      this.openServerRequests.delete(keyOf(id));
      await this.write({ id, ...payload });
    };
    const request: ServerRequest = {
      id,
      method,
      params,
      receivedAtMs: Date.now(),
      get answered() {
        return answered;
      },
      respond: (result) => answer({ result: result ?? {} }),
      respondError: (error) => answer({ error }),
    };
    this.openServerRequests.set(keyOf(id), request);
    this.dispatchServerRequest(request);
  }

  private dispatchServerRequest(request: ServerRequest): void {
    const handler = this.serverRequestHandler;
    if (!handler) {
      this.serverRequestQueue.push(request);
      return;
    }
    try {
      handler(request);
    } catch (error) {
      this.logger.error('the server request handler threw; the request stays unanswered', {
        method: request.method,
        error: String(error),
      });
    }
  }

  /** The one teardown path: every pending request and stream is settled once, with the cause. */
  private teardown(info: TransportCloseInfo): void {
    if (this.stateValue === 'closed') return;
    this.closeInfoValue = info;
    this.setState('closed');
    for (const [, pending] of [...this.pending]) pending.fail(closedError(pending.method, info));
    this.rpc.rejectAllPendingRequests(info.reason);
    this.openServerRequests.clear();
    this.serverRequestQueue.fail(closedError('serverRequests', info));
    this.resolveClosed(info);
  }

  private setState(state: ConnectionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    for (const fn of [...this.stateListeners]) {
      try {
        fn(state);
      } catch (error) {
        this.logger.error('a state listener threw', { error: String(error) });
      }
    }
  }
}

/** How long a failed write waits for the transport to report why it closed. */
const CLOSE_REPORT_WAIT_MS = 200;

function keyOf(id: JSONRPCID): string {
  return `${typeof id}:${String(id)}`;
}

function closedError(method: string, info: TransportCloseInfo): CodexusError {
  const tail = info.stderrTail ? `\n--- codex stderr (tail) ---\n${info.stderrTail.slice(-2_000)}` : '';
  return new CodexusError('CONNECTION_CLOSED', `${method}: connection closed (${info.reason})${tail}`, {
    cause: info.error,
    data: { ...info },
  });
}

function abortError(method: string, signal: AbortSignal | undefined): CodexusError {
  return new CodexusError('ABORTED', `${method}: aborted`, { cause: signal?.reason });
}
