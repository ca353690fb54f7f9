import {
  AsyncQueue,
  type ClientInfo,
  type CodexProcessOptions,
  CodexusError,
  type Connected,
  type Connection,
  type ConnectionMetricsSnapshot,
  connect,
  type Disposable,
  Emitter,
  type Logger,
  type RequestOptions,
  type RetryPolicy,
  type ServerInfo,
  type ServerNotification,
  type ServerRequest,
  silentLogger,
  type Transport,
  type TransportCloseInfo,
  type WireTrace,
} from '@codexus/core';
import { listen } from './internal/listen.js';
import { threadIdOf } from './internal/wire.js';
import { type RestartPolicy, restartDelay } from './restart-policy.js';

export type RuntimeState = 'starting' | 'ready' | 'restarting' | 'closed';

export interface RuntimeConfig extends CodexProcessOptions {
  clientInfo?: ClientInfo;
  /** Opt in to experimental methods and fields for the whole connection. */
  experimentalApi?: boolean;
  optOutNotificationMethods?: readonly string[];
  logger?: Logger;
  trace?: WireTrace;
  /** Default timeout of plain requests (ms). Default 60 000. */
  requestTimeoutMs?: number;
  overloadRetry?: RetryPolicy;
  restart?: RestartPolicy;
  /** Connect through this transport factory instead of spawning codex (remote servers, tests). */
  transport?: () => Transport;
}

export interface EventFilter {
  threadId?: string;
  methods?: readonly string[];
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
  private restarts = 0;
  private readonly notifications: Emitter<ServerNotification>;
  private readonly lifecycle: Emitter<RuntimeState>;
  private readonly restartListeners = new Set<(server: ServerInfo) => void | Promise<void>>();
  private readonly unrouted = new AsyncQueue<ServerRequest>();
  private router: ((request: ServerRequest) => void) | undefined;
  private closing: Promise<void> | undefined;
  private readonly closedPromise: Promise<TransportCloseInfo>;
  private resolveClosed!: (info: TransportCloseInfo) => void;
  readonly logger: Logger;

  private constructor(
    private readonly config: RuntimeConfig,
    connected: Connected,
  ) {
    this.logger = config.logger ?? silentLogger;
    this.notifications = new Emitter(this.logger);
    this.lifecycle = new Emitter(this.logger);
    this.current = connected;
    this.closedPromise = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.attach(connected);
  }

  /** Spawns codex (or uses the configured transport) and runs the handshake. */
  static async start(config: RuntimeConfig = {}): Promise<Runtime> {
    return new Runtime(config, await Runtime.open(config));
  }

  private static open(config: RuntimeConfig): Promise<Connected> {
    return connect({ ...config, transport: config.transport?.() });
  }

  get state(): RuntimeState {
    return this.stateValue;
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

  /** A raw request: no validation (the typed path is `AppServer.request`). */
  async request<R = unknown>(method: string, params?: unknown, options?: RequestOptions): Promise<R> {
    this.assertUsable(method);
    return this.current.connection.request<R>(method, params, options);
  }

  /** A raw notification. */
  async notify(method: string, params?: unknown): Promise<void> {
    this.assertUsable(method);
    return this.current.connection.notify(method, params);
  }

  /** Listen to a notification method (or `'*'`). Survives restarts. */
  on(method: string, listener: (notification: ServerNotification) => void): Disposable {
    return this.notifications.on(method, listener);
  }

  /** Live notifications as an async iterable, optionally for one thread and some methods. Ends on close. */
  events(filter: EventFilter = {}): AsyncIterableIterator<ServerNotification> & AsyncDisposable {
    const methods = filter.methods ? new Set(filter.methods) : undefined;
    return listen<ServerNotification>(
      (push) =>
        this.notifications.on('*', (n) => {
          if (methods && !methods.has(n.method)) return;
          if (filter.threadId !== undefined && threadIdOf(n.params) !== filter.threadId) return;
          push(n);
        }),
      (finish) => void this.closedPromise.then(() => finish()),
    );
  }

  /** Lifecycle changes (`restarting`, `ready`, `closed`). */
  onStateChange(listener: (state: RuntimeState) => void): Disposable {
    return this.lifecycle.on('*', listener);
  }

  /** Called after a successful restart (and re-handshake), e.g. to resume sessions. */
  onRestart(listener: (server: ServerInfo) => void | Promise<void>): Disposable {
    this.restartListeners.add(listener);
    return {
      dispose: () => this.restartListeners.delete(listener),
      [Symbol.dispose]: () => this.restartListeners.delete(listener),
    };
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
    return { ...this.current.connection.metrics(), restarts: this.restarts, state: this.stateValue };
  }

  async close(): Promise<void> {
    this.closing ??= (async () => {
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
    connection.setServerRequestHandler((request) => {
      if (this.router) this.router(request);
      else this.unrouted.push(request);
    });
    void connection.closed.then((info) => this.onConnectionClosed(connection, info));
  }

  private async onConnectionClosed(connection: Connection, info: TransportCloseInfo): Promise<void> {
    if (this.stateValue === 'closed' || connection !== this.current.connection) return;
    const policy = this.config.restart ?? 'never';
    for (let attempt = 0; ; attempt++) {
      const delay = restartDelay(policy, this.restarts);
      if (delay === undefined) {
        this.logger.error('codex exited; not restarting', { ...info });
        this.setState('closed');
        this.unrouted.fail(
          new CodexusError('CONNECTION_CLOSED', `codex exited (${info.reason})`, { data: { ...info } }),
        );
        this.resolveClosed(info);
        return;
      }
      this.setState('restarting');
      this.logger.warn('codex exited; restarting', { ...info, attempt: attempt + 1, delayMs: delay });
      await new Promise((r) => setTimeout(r, delay).unref());
      if (this.isClosed()) return;
      this.restarts++;
      try {
        const next = await Runtime.open(this.config);
        if (this.isClosed()) {
          await next.connection.close();
          return;
        }
        this.current = next;
        this.attach(next);
        this.setState('ready');
        for (const listener of [...this.restartListeners]) {
          try {
            await listener(next.server);
          } catch (error) {
            this.logger.error('a restart listener failed', { error: String(error) });
          }
        }
        return;
      } catch (error) {
        this.logger.error('restart failed', { error: String(error) });
      }
    }
  }

  /** A method, not a field read, so that checks after an await are not narrowed away. */
  private isClosed(): boolean {
    return this.stateValue === 'closed';
  }

  private setState(state: RuntimeState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.lifecycle.emit(state, state);
  }
}
