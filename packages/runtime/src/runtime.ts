import {
  type ClientInfo,
  type CodexProcessOptions,
  CodexusError,
  type CompatibilityOptions,
  type Connected,
  type Connection,
  type ConnectionMetricsSnapshot,
  connect,
  type Logger,
  type RequestId,
  type RequestOptions,
  type RetryPolicy,
  type ServerInfo,
  type ServerNotification,
  type ServerRequest,
  type Subscription,
  silentLogger,
  type TransportCloseInfo,
  type TransportFactory,
  type WireTrace,
} from '@codexus/core';
import { AsyncQueue, Emitter } from '@codexus/core/internal';
import {
  type ClientNotificationMap,
  type ClientNotificationMethod,
  type ClientRequestMethod,
  PROTOCOL_REVISION,
  type ServerNotificationMethod,
  type ServerRequestMethod,
} from '@codexus/protocol';
import { liveEvents } from './internal/live-events.js';
import { RestartSupervisor } from './internal/restart-supervisor.js';
import type { RestartPolicy } from './restart-policy.js';
import type { RuntimeState } from './runtime-state.js';
import { type AttachStateOptions, attachStateProjection, type StateAttachment } from './state/index.js';
import type {
  EventOf,
  NotificationListener,
  NotificationOf,
  NotifyArgs,
  ParamsArgs,
  RequestParams,
  RequestResult,
  ServerRequestOf,
} from './typed-peer.js';
import { type WaitForOptions, waitForNotification } from './wait-for.js';

export type { RuntimeState };

export interface RuntimeConfig extends CodexProcessOptions, CompatibilityOptions {
  clientInfo?: ClientInfo;
  /** Opt in to experimental methods and fields for the whole connection. */
  experimentalApi?: boolean;
  /**
   * Enables codex's experimental capability on the wire for `dynamicTools` only: the local
   * experimental gate (`server.experimentalApi`, `AppServer.request`) stays closed unless
   * `experimentalApi` is true as well.
   */
  dynamicTools?: boolean;
  optOutNotificationMethods?: readonly string[];
  logger?: Logger;
  trace?: WireTrace;
  /** Default timeout of plain requests (ms). Default 60 000. */
  requestTimeoutMs?: number;
  overloadRetry?: RetryPolicy;
  restart?: RestartPolicy;
  /** Connect through this transport factory instead of spawning codex (remote servers, tests). */
  transport?: TransportFactory;
  /**
   * Aborts the connect call (spawn and handshake): it rejects with `ABORTED` and nothing is left
   * running. It does not apply to the connection once it is up (`close()` ends that), nor to restarts.
   */
  signal?: AbortSignal;
}

/** Which notifications `events` yields: of one thread, of some methods (typed by the generated map). */
export interface EventFilter<
  M extends ServerNotificationMethod | undefined = ServerNotificationMethod | undefined,
> {
  threadId?: string;
  methods?: readonly Exclude<M, undefined>[];
}

export interface RuntimeMetrics extends ConnectionMetricsSnapshot {
  restarts: number;
  state: RuntimeState;
}

/**
 * Layer 6: owns one codex connection (with optional restart supervision) and exposes raw requests,
 * live events, and the server requests nobody routed.
 */
export class Runtime implements AsyncDisposable {
  private current: Connected;
  private stateValue: RuntimeState = 'ready';
  private readonly supervisor: RestartSupervisor;
  private readonly notifications: Emitter<ServerNotification>;
  private readonly lifecycleEvents: Emitter<RuntimeState>;
  private readonly unrouted = new AsyncQueue<ServerRequest>();
  private readonly serverRequestEvents: Emitter<ServerRequest>;
  private readonly answeredEvents: Emitter<{ id: RequestId; atMs: number }>;
  private stateAttachment: StateAttachment | undefined;
  private router: ((request: ServerRequest) => void) | undefined;
  private closing: Promise<void> | undefined;
  private readonly closedPromise: Promise<TransportCloseInfo>;
  private resolveClosed!: (info: TransportCloseInfo) => void;
  readonly logger: Logger;

  private constructor(
    readonly config: RuntimeConfig,
    connected: Connected,
  ) {
    this.logger = config.logger ?? silentLogger;
    this.notifications = new Emitter(this.logger);
    this.lifecycleEvents = new Emitter(this.logger);
    this.serverRequestEvents = new Emitter(this.logger);
    this.answeredEvents = new Emitter(this.logger);
    this.current = connected;
    this.supervisor = new RestartSupervisor(
      {
        logger: this.logger,
        isClosed: () => this.isClosed(),
        setState: (state) => this.setState(state),
        open: () => Runtime.open(config),
        adopt: (next) => {
          this.current = next;
          this.attach(next);
        },
        giveUp: (info, error) => {
          this.setState('closed');
          this.unrouted.fail(error);
          this.resolveClosed(info);
        },
      },
      config.restart ?? 'never',
      config.remote !== undefined || config.transport !== undefined,
    );
    this.closedPromise = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.attach(connected);
  }

  /**
   * Spawns codex (or uses the configured transport) and runs the handshake. Aborting `config.signal`
   * stops a handshake in progress (`ABORTED`); the process is closed before the error is thrown.
   */
  static async start(config: RuntimeConfig = {}): Promise<Runtime> {
    const { signal, ...kept } = config;
    return new Runtime(kept, await Runtime.open(kept, signal));
  }

  private static async open(config: RuntimeConfig, signal?: AbortSignal): Promise<Connected> {
    const experimentalApi = config.experimentalApi === true || config.dynamicTools === true;
    const connected = await connect({ ...config, experimentalApi, signal });
    // dynamicTools alone opens the capability on the wire, not the local gate.
    if (experimentalApi && config.experimentalApi !== true)
      return { ...connected, server: { ...connected.server, experimentalApi: false } };
    return connected;
  }

  /** Lifecycle: `starting`, `ready`, `restarting`, `closed`. */
  get lifecycle(): RuntimeState {
    return this.stateValue;
  }

  /**
   * The state projection: one bounded, serializable answer to "what is going on right now?",
   * derived from the live protocol messages (see docs/state.md). Created on the first call; the
   * options (limits, store, snapshot interval) apply to that first call.
   */
  /** Whether `state()` was called (the projection is attached). */
  get stateStarted(): boolean {
    return this.stateAttachment !== undefined;
  }

  state(options: Omit<AttachStateOptions, 'protocolRevision'> = {}): StateAttachment {
    this.stateAttachment ??= attachStateProjection(this, { protocolRevision: PROTOCOL_REVISION, ...options });
    return this.stateAttachment;
  }

  /**
   * Every server request as it arrives (before anything answers it), or, with a method, the
   * requests of that method, their params typed by the generated map.
   */
  onServerRequest(listener: (request: ServerRequest) => void): Subscription;
  onServerRequest<M extends ServerRequestMethod>(
    method: M,
    listener: (request: ServerRequestOf<M>) => void,
  ): Subscription;
  onServerRequest(
    methodOrListener: string | ((request: ServerRequest) => void),
    listener?: (request: ServerRequest) => void,
  ): Subscription {
    if (typeof methodOrListener === 'function') return this.serverRequestEvents.on('*', methodOrListener);
    const method = methodOrListener;
    return this.serverRequestEvents.on('*', (request) => {
      if (request.method === method) listener?.(request);
    });
  }

  /** A server request was answered by this client (by the request object or by id: the connection reports it). */
  onServerRequestAnswered(listener: (id: RequestId, atMs: number) => void): Subscription {
    return this.answeredEvents.on('*', ({ id, atMs }) => listener(id, atMs));
  }

  /** What the server said in `initialize` (refreshed after a restart). */
  get server(): ServerInfo {
    return this.current.server;
  }

  /** The live connection (replaced after a restart). */
  get connection(): Connection {
    return this.current.connection;
  }

  /** Resolves when the runtime is closed for good. */
  get closed(): Promise<TransportCloseInfo> {
    return this.closedPromise;
  }

  /**
   * A request typed by the generated map (params and result). Not validated at run time: that, the
   * experimental gate and the version's method list are `AppServer.request`'s.
   */
  request<M extends ClientRequestMethod>(
    method: M,
    ...[params, options]: ParamsArgs<RequestParams<M>>
  ): Promise<RequestResult<M>> {
    return this.requestUnchecked<RequestResult<M>>(method, params, options);
  }

  /** The raw escape hatch: any method name, untyped params and result. */
  async requestUnchecked<R = unknown>(
    method: string,
    params?: unknown,
    options?: RequestOptions,
  ): Promise<R> {
    this.assertUsable(method);
    return this.current.connection.request<R>(method, params, options);
  }

  /** A client notification typed by the generated map. */
  notify<M extends ClientNotificationMethod>(
    method: M,
    ...[params]: NotifyArgs<ClientNotificationMap[M]['params']>
  ): Promise<void> {
    return this.notifyUnchecked(method, params);
  }

  /** A raw notification: any method name. */
  async notifyUnchecked(method: string, params?: unknown): Promise<void> {
    this.assertUsable(method);
    return this.current.connection.notify(method, params);
  }

  /**
   * Listen to one notification method, its params typed by the generated map, or to every
   * notification with `'*'` (untyped: a newer codex sends methods this build does not know).
   * Survives restarts.
   */
  on<M extends ServerNotificationMethod | '*'>(method: M, listener: NotificationListener<M>): Subscription {
    return this.onUnchecked(method, listener as (notification: ServerNotification) => void);
  }

  /** Listen to a notification method by any name (one this build's protocol does not know). */
  onUnchecked(method: string, listener: (notification: ServerNotification) => void): Subscription {
    return this.notifications.on(method, listener);
  }

  /**
   * The first `method` notification (after the call) that `predicate` accepts. Bounded:
   * `REQUEST_TIMEOUT` after `timeoutMs` (default 120 s), `ABORTED` on the signal, `CONNECTION_CLOSED`
   * when the runtime closes for good. Survives restarts like `on`.
   */
  waitFor<M extends ServerNotificationMethod>(
    method: M,
    predicate?: (notification: NotificationOf<M>) => boolean,
    options?: WaitForOptions,
  ): Promise<NotificationOf<M>> {
    return waitForNotification(
      this,
      method,
      predicate as ((notification: ServerNotification) => boolean) | undefined,
      options,
    ) as Promise<NotificationOf<M>>;
  }

  /**
   * Live notifications as an async iterable: every one, or the listed `methods` (typed by the
   * generated map), optionally of one thread. Ends when the runtime closes or `signal` aborts.
   */
  events<M extends ServerNotificationMethod | undefined = undefined>(
    filter: EventFilter<M> = {},
    options: { signal?: AbortSignal } = {},
  ): AsyncIterableIterator<EventOf<M>> & AsyncDisposable {
    const source = {
      onAny: (listener: (n: ServerNotification) => void) => this.notifications.on('*', listener),
      onStateChange: (listener: (state: RuntimeState) => void) => this.onStateChange(listener),
      isClosed: () => this.isClosed(),
    };
    return liveEvents<EventOf<M>>(source, filter as { methods?: readonly string[] }, options.signal);
  }

  /** Lifecycle changes (`restarting`, `ready`, `closed`). */
  onStateChange(listener: (state: RuntimeState) => void): Subscription {
    return this.lifecycleEvents.on('*', listener);
  }

  /** Called after a successful restart (and re-handshake), e.g. to resume sessions. */
  onRestart(listener: (server: ServerInfo) => void | Promise<void>): Subscription {
    return this.supervisor.onRestart(listener);
  }

  /**
   * Routes every server request to `router` (the Client installs its approval router here). Requests
   * the router does not take must be passed to `enqueue`. Without a router they all queue.
   */
  setServerRequestRouter(router: (request: ServerRequest) => void): void {
    this.router = router;
  }

  /** Puts a server request on the queue that `serverRequests()` drains. */
  enqueue(request: ServerRequest): void {
    this.unrouted.push(request);
  }

  /** Server requests waiting for the caller (never auto-answered). */
  serverRequests(): AsyncIterable<ServerRequest> {
    return this.unrouted;
  }

  metrics(): RuntimeMetrics {
    return {
      ...this.current.connection.metrics(),
      restarts: this.supervisor.restarts,
      state: this.stateValue,
    };
  }

  async close(): Promise<void> {
    this.closing ??= (async () => {
      // The last snapshot is written while the projection still sees the live threads.
      await this.stateAttachment?.close();
      this.setState('closed');
      await this.current.connection.close();
      this.unrouted.end();
      this.resolveClosed(this.current.connection.closeInfo ?? { reason: 'closed by client' });
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private assertUsable(method: string): void {
    if (this.stateValue === 'closed') {
      throw new CodexusError('CONNECTION_CLOSED', `${method}: the runtime is closed`);
    }
  }

  private attach(connected: Connected): void {
    const { connection } = connected;
    connection.on('*', (n) => this.notifications.emit(n.method, n));
    connection.onServerRequestAnswered((request, atMs) =>
      this.answeredEvents.emit('*', { id: request.id, atMs }),
    );
    connection.setServerRequestHandler((request) => {
      this.serverRequestEvents.emit('*', request);
      if (this.router) this.router(request);
      else this.unrouted.push(request);
    });
    void connection.closed.then((info) => this.onConnectionClosed(connection, info));
  }

  private async onConnectionClosed(connection: Connection, info: TransportCloseInfo): Promise<void> {
    if (this.stateValue === 'closed' || connection !== this.current.connection) return;
    await this.supervisor.connectionLost(info);
  }

  /** A method, not a field read, so that checks after an await are not narrowed away. */
  private isClosed(): boolean {
    return this.stateValue === 'closed';
  }

  private setState(state: RuntimeState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.lifecycleEvents.emit(state, state);
  }
}
