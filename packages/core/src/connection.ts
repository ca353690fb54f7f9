import type { JSONRPCID } from 'json-rpc-2.0';
import { backoffDelay, DEFAULT_OVERLOAD_RETRY, type RetryPolicy } from './backoff.js';
import { Emitter } from './emitter.js';
import { CodexRpcError, CodexusError } from './errors.js';
import { classifyInbound, type InboundMessage } from './inbound-message.js';
import { type Logger, silentLogger, type WireTrace } from './logger.js';
import { stringifyWithRawId } from './lossless-id.js';
import { ConnectionMetrics, type ConnectionMetricsSnapshot } from './metrics.js';
import { type PendingOutcome, PendingRequests } from './pending-requests.js';
import { callScope, type RequestOptions } from './request-options.js';
import {
  type ServerRequest,
  type ServerRequestAnsweredListener,
  type ServerRequestHandler,
  ServerRequests,
} from './server-requests.js';
import { type Subscription, toSubscription } from './subscription.js';
import { delay, within } from './timing.js';
import type { Transport, TransportCloseInfo } from './transport.js';

export type ConnectionState = 'starting' | 'ready' | 'closing' | 'closed';

export type {
  ServerRequest,
  ServerRequestAnsweredListener,
  ServerRequestHandler,
} from './server-requests.js';

/** A JSON-RPC request id. */
export type RequestId = JSONRPCID;

/** A notification from the server. `emittedAtMs` is codex's extra envelope member, when present. */
export interface ServerNotification {
  method: string;
  params: unknown;
  emittedAtMs?: number;
  receivedAtMs: number;
}

export type NotificationListener = (notification: ServerNotification) => void;

export interface ConnectionOptions {
  logger?: Logger;
  /** Opt-in wire trace: every line in and out. */
  trace?: WireTrace;
  /** Default timeout for requests that pass none (bounds the whole call). Default 60 000 ms; 0 disables. */
  requestTimeoutMs?: number;
  /** Retry policy for `-32001` overload answers. */
  overloadRetry?: RetryPolicy;
}

/**
 * One JSON-RPC peer over one transport (one codex process). Writes are ordered; inbound messages are
 * routed by shape; server requests go to one handler or into a queue, never answered on their own.
 * When the transport dies, every pending request is rejected once with `CONNECTION_CLOSED`.
 */
export class Connection implements AsyncDisposable {
  private stateValue: ConnectionState = 'starting';
  private readonly logger: Logger;
  private nextId = 1;
  private readonly pending = new PendingRequests();
  private readonly notifications: Emitter<ServerNotification>;
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly serverRequestRouter: ServerRequests;
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
    this.serverRequestRouter = new ServerRequests(this.logger, (message, rawId) =>
      this.write(message, rawId),
    );
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
  onStateChange(fn: (state: ConnectionState) => void): Subscription {
    this.stateListeners.add(fn);
    return toSubscription(() => this.stateListeners.delete(fn));
  }

  /**
   * Sends a request and resolves with its result. Rejects with `CodexRpcError` (server error),
   * `REQUEST_TIMEOUT` (`timeoutMs`, for the whole call), `ABORTED` (the caller's signal, its reason as
   * cause), `PROTOCOL_VIOLATION` (a malformed answer) or `CONNECTION_CLOSED`. Overload answers are
   * retried with backoff.
   */
  async request<R = unknown>(method: string, params?: unknown, options: RequestOptions = {}): Promise<R> {
    const scope = callScope(method, options, this.options.requestTimeoutMs ?? 60_000);
    const policy = this.options.overloadRetry ?? DEFAULT_OVERLOAD_RETRY;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return (await this.requestOnce(method, params, scope.signal)) as R;
        } catch (error) {
          if (!(CodexRpcError.isInstance(error) && error.isOverloaded()) || attempt >= policy.maxRetries)
            throw error;
          this.metricsRecorder.overloadRetries++;
          const wait = backoffDelay(attempt, policy);
          this.logger.debug('server overloaded; retrying', { method, attempt: attempt + 1, delayMs: wait });
          await delay(wait, scope.signal);
        }
      }
    } finally {
      scope.dispose();
    }
  }

  /** One attempt. `signal`'s reason is the typed error (`ABORTED` or `REQUEST_TIMEOUT`) to fail with. */
  private requestOnce(method: string, params: unknown, signal: AbortSignal): Promise<unknown> {
    const closed = this.ensureOpen(method);
    if (closed) return Promise.reject(closed);
    if (signal.aborted) return Promise.reject(signal.reason);
    const id = this.nextId++;
    this.metricsRecorder.requests++;
    const answer = this.pending.open(id, method, signal);
    // A failed write fails this entry itself (with the exit details); nothing else to do here.
    this.write(params === undefined ? { id, method } : { id, method, params }).catch(() => undefined);
    return answer;
  }

  /** Sends a notification (no answer). */
  async notify(method: string, params?: unknown): Promise<void> {
    const closed = this.ensureOpen(method);
    if (closed) throw closed;
    await this.write(params === undefined ? { method } : { method, params });
  }

  /** Listen to one notification method, or every notification with `'*'`. Returns a disposable. */
  on(method: string, listener: NotificationListener): Subscription {
    return this.notifications.on(method, listener);
  }

  /**
   * Routes every server request to `handler` (one at a time; a new handler replaces the old). Requests
   * that arrived while no handler was set are delivered to it first. Dispose to go back to queueing.
   */
  setServerRequestHandler(handler: ServerRequestHandler): Subscription {
    return this.serverRequestRouter.setHandler(handler);
  }

  /**
   * Told once each server request's answer was written, whichever path answered it (the request
   * object, `respond(id)`, a handler): the one place projections, hooks and metrics learn of answers.
   */
  onServerRequestAnswered(listener: ServerRequestAnsweredListener): Subscription {
    return this.serverRequestRouter.onAnswered(listener);
  }

  /** Server requests that arrived while no handler was set, as an async iterable (drains the queue). */
  serverRequests(): AsyncIterable<ServerRequest> {
    return this.serverRequestRouter.queued();
  }

  /** Server requests not yet answered. */
  pendingServerRequests(): ServerRequest[] {
    return this.serverRequestRouter.pending();
  }

  /** Answers a server request by id. */
  async respond(id: RequestId, result: unknown): Promise<void> {
    const request = this.serverRequestRouter.find(id);
    if (request) return request.respond(result);
    await this.write({ id, result });
  }

  /** Answers a server request by id with an error. */
  async respondError(id: RequestId, error: { code: number; message: string; data?: unknown }): Promise<void> {
    const request = this.serverRequestRouter.find(id);
    if (request) return request.respondError(error);
    await this.write({ id, error });
  }

  metrics(): ConnectionMetricsSnapshot {
    return this.metricsRecorder.snapshot(this.pending.size, this.serverRequestRouter.size);
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

  /** Writes one message; `rawId` (exact number text) replaces the `id` member when given. */
  private async write(wire: Record<string, unknown>, rawId?: string): Promise<void> {
    // Messages are built the way codex writes them: without the `jsonrpc` member.
    const text = rawId === undefined ? JSON.stringify(wire) : stringifyWithRawId(wire, rawId);
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
      if ('id' in wire && 'method' in wire) this.pending.fail(wire.id as JSONRPCID, typed);
      throw typed;
    }
  }

  private receive(text: string): void {
    this.options.trace?.({ direction: 'in', text, atMs: Date.now() });
    const message = classifyInbound(text);
    switch (message.kind) {
      case 'request':
        this.metricsRecorder.serverRequests++;
        this.serverRequestRouter.accept(message.id, message.rawId, message.method, message.params);
        return;
      case 'notification':
        this.onNotification(message);
        return;
      case 'result':
        this.onResponse(message.id, { result: message.result });
        return;
      case 'error':
        this.onResponse(message.id, { error: message.error });
        return;
      case 'malformedResponse':
        this.onMalformedResponse(text, message);
        return;
      case 'dropped':
        this.metricsRecorder.droppedLines++;
        this.logger.warn(`dropped an inbound message: ${message.problem}`, { preview: text.slice(0, 200) });
    }
  }

  /** Settles the request a response answers; one that answers nothing pending is counted and dropped. */
  private onResponse(id: JSONRPCID, outcome: PendingOutcome): void {
    this.metricsRecorder.responses++;
    const settled = this.pending.answer(id, outcome, (method, { code, message, data }) => {
      this.metricsRecorder.errors++;
      return new CodexRpcError(method, code, message, data);
    });
    if (settled) this.metricsRecorder.recordLatency(settled.method, settled.elapsedMs);
    else {
      this.metricsRecorder.unmatchedResponses++;
      this.logger.debug('a response answers no pending request (late, after abort or timeout)', { id });
    }
  }

  /** Fails the request a malformed response answers (it would never settle otherwise). */
  private onMalformedResponse(
    text: string,
    { id, problem, value }: Extract<InboundMessage, { kind: 'malformedResponse' }>,
  ): void {
    const method = this.pending.methodOf(id);
    this.logger.warn(`malformed response from the server: ${problem}`, { preview: text.slice(0, 200) });
    if (method === undefined) {
      this.metricsRecorder.droppedLines++;
      return;
    }
    this.metricsRecorder.responses++;
    this.metricsRecorder.errors++;
    this.pending.fail(
      id,
      new CodexusError('PROTOCOL_VIOLATION', `${method}: malformed response from the server: ${problem}`, {
        data: { method, line: text, response: value },
      }),
    );
  }

  private onNotification({
    method,
    params,
    emittedAtMs,
  }: Extract<InboundMessage, { kind: 'notification' }>): void {
    this.metricsRecorder.recordNotification(method);
    const notification: ServerNotification = {
      method,
      params,
      receivedAtMs: Date.now(),
      ...(emittedAtMs === undefined ? {} : { emittedAtMs }),
    };
    this.notifications.emit(method, notification);
  }

  /** The one teardown path: every pending request and stream is settled once, with the cause. */
  private teardown(info: TransportCloseInfo): void {
    if (this.stateValue === 'closed') return;
    this.closeInfoValue = info;
    this.setState('closed');
    this.pending.failAll((method) => closedError(method, info));
    this.serverRequestRouter.close(closedError('serverRequests', info));
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

function closedError(method: string, info: TransportCloseInfo): CodexusError {
  const tail = info.stderrTail ? `\n--- codex stderr (tail) ---\n${info.stderrTail.slice(-2_000)}` : '';
  return new CodexusError('CONNECTION_CLOSED', `${method}: connection closed (${info.reason})${tail}`, {
    cause: info.error,
    data: { ...info },
  });
}
