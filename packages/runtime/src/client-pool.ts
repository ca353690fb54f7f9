import {
  backoffDelay,
  CodexRpcError,
  CodexusError,
  type Logger,
  parseRemote,
  type RemoteOptions,
  type RequestOptions,
  silentLogger,
} from '@codexus/core';
import { delay } from '@codexus/core/internal';
import type { ThreadReadParams, ThreadReadResponse } from '@codexus/protocol';
import { Client, type ClientConfig } from './client.js';
import { describeError, Endpoint, type EndpointReport, pickEndpoint } from './pool-endpoint.js';
import type { RestartPolicy } from './restart-policy.js';
import type { Session } from './session.js';
import type { SessionConfig } from './session-config.js';
import type { SessionSource } from './session-source.js';
import type { ThreadView } from './state/state-view.js';

/** One app-server of a pool: where it is, how to authenticate, and a name for reports. */
export interface PoolEndpoint extends RemoteOptions {
  /** Shown in `pool.endpoints()` and errors. Default: the URL without credentials. */
  name?: string;
}

export {
  type EndpointLoad,
  type EndpointReport,
  type EndpointState,
  pickEndpoint,
} from './pool-endpoint.js';

const CAPACITY_POLL_MS = 25;
const DEFAULT_PLACEMENT_TIMEOUT_MS = 60_000;

export interface ClientPoolConfig extends Omit<ClientConfig, 'remote' | 'transport'> {
  endpoints: readonly PoolEndpoint[];
  /** Open sessions one endpoint may hold (resumed threads may exceed it). Default unlimited. */
  maxSessionsPerEndpoint?: number;
  /**
   * Background reconnection of an endpoint that is down: delays with full jitter, from
   * `baseDelayMs` doubling up to `maxDelayMs`. Default 250 ms → 10 000 ms. A connected endpoint
   * reconnects through its Client's `restart` policy (default: unlimited, resuming its sessions).
   */
  reconnect?: { baseDelayMs?: number; maxDelayMs?: number };
}

/**
 * Many remote app-servers behind the `Client` API: `startSession` places each new session on the
 * least-loaded healthy endpoint; a session stays on its endpoint for life (its thread is stored
 * there). When an endpoint dies, its in-flight turns fail with `CONNECTION_CLOSED`, it is marked
 * unhealthy and reconnected in the background, and new sessions go to the others.
 */
export class ClientPool implements SessionSource {
  private readonly endpointList: Endpoint[];
  private observing = false;
  private readonly threadHomes = new Map<string, Endpoint>();
  private readonly stopping = new AbortController();
  private readonly logger: Logger;
  private closing: Promise<void> | undefined;

  private constructor(private readonly config: ClientPoolConfig) {
    this.logger = config.logger ?? silentLogger;
    this.endpointList = config.endpoints.map((remote) => {
      const { name, ...rest } = remote;
      const url = parseRemote(rest).displayUrl;
      return new Endpoint(rest, name ?? url, url);
    });
  }

  /**
   * Connects to every endpoint at once. Resolves when each first attempt settled and at least one
   * endpoint is up (the others keep retrying in the background); otherwise closes everything and
   * rejects with the first endpoint's error (e.g. `AUTH_FAILED`), the others in `data.endpoints`.
   */
  static async connect(config: ClientPoolConfig): Promise<ClientPool> {
    if (config.endpoints.length === 0) {
      throw new CodexusError('VALIDATION_FAILED', 'ClientPool needs at least one endpoint');
    }
    const max = config.maxSessionsPerEndpoint;
    if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
      throw new CodexusError('VALIDATION_FAILED', 'maxSessionsPerEndpoint must be a positive integer');
    }
    const pool = new ClientPool(config);
    const errors = await Promise.all(
      pool.endpointList.map((endpoint) => pool.connectEndpoint(endpoint, config.signal)),
    );
    if (config.signal?.aborted) {
      // Aborted while connecting: nothing is left connected or retrying.
      await pool.close();
      throw new CodexusError('ABORTED', 'ClientPool.connect aborted', { cause: config.signal.reason });
    }
    if (!pool.endpointList.some((endpoint) => endpoint.healthy)) {
      await pool.close();
      const first = errors.find((error) => error !== undefined);
      throw new CodexusError(
        CodexusError.isInstance(first) ? first.code : 'CONNECTION_CLOSED',
        `no endpoint of the pool could be reached: ${pool.endpointList
          .map((e) => `${e.name}: ${e.lastError?.message ?? 'unknown'}`)
          .join('; ')}`,
        { cause: first, data: { endpoints: pool.endpoints() } },
      );
    }
    for (const endpoint of pool.endpointList) if (!endpoint.healthy) void pool.maintain(endpoint);
    return pool;
  }

  /** Health and load of every endpoint, in the configured order. */
  endpoints(): EndpointReport[] {
    return this.endpointList.map((endpoint) => {
      const load = endpoint.load();
      const report: EndpointReport = {
        name: endpoint.name,
        url: endpoint.url,
        state: endpoint.state,
        healthy: load.healthy,
        sessions: load.sessions,
        turnsInFlight: load.turnsInFlight,
        reconnects: endpoint.reconnects,
      };
      if (endpoint.lastError) report.lastError = endpoint.lastError;
      return report;
    });
  }

  /** `ready` while an endpoint is healthy (see `SessionSource`). */
  readiness(): { ready: boolean; state: string } {
    if (this.isClosed()) return { ready: false, state: 'closed' };
    const ready = this.endpointList.some((endpoint) => endpoint.healthy);
    return { ready, state: ready ? 'ready' : 'reconnecting' };
  }

  /** Starts the state projection on every endpoint's client, now and after each (re)connect. */
  observeState(): void {
    this.observing = true;
    for (const endpoint of this.endpointList) endpoint.client?.observeState();
  }

  /** The projection's view of a thread, from the endpoint that holds it. */
  threadState(threadId: string): ThreadView | undefined {
    return this.homeOf(threadId)?.client?.threadState(threadId);
  }

  /** The name of the endpoint a session (or thread id) lives on. */
  endpointOf(sessionOrThreadId: Session | string): string | undefined {
    const threadId = typeof sessionOrThreadId === 'string' ? sessionOrThreadId : sessionOrThreadId.threadId;
    return this.homeOf(threadId)?.name;
  }

  /**
   * Starts a session on the least-loaded healthy endpoint. When every healthy endpoint is at
   * `maxSessionsPerEndpoint`, waits for room (bounded by `options.timeoutMs`, default 60 s, and
   * `options.signal`). An endpoint that dies during the placement is skipped for the next one.
   */
  async startSession(config: SessionConfig, options: RequestOptions = {}): Promise<Session> {
    this.assertOpen('startSession');
    const skipped = new Set<Endpoint>();
    for (;;) {
      const endpoint = await this.reserve(skipped, options);
      try {
        return this.adopt(endpoint, await endpoint.client!.startSession(config, options));
      } catch (error) {
        if (!CodexusError.is(error, 'CONNECTION_CLOSED') || this.isClosed()) throw error;
        this.logger.warn('an endpoint went down while placing a session; trying another', {
          endpoint: endpoint.name,
        });
        skipped.add(endpoint);
      } finally {
        endpoint.placing--;
      }
    }
  }

  /**
   * Resumes a stored thread on the endpoint that holds it: the one this pool placed it on, or else
   * the first healthy endpoint that knows it.
   */
  resumeSession(threadId: string, config: Partial<SessionConfig> = {}, options: RequestOptions = {}) {
    return this.reopen('resume', threadId, config, options);
  }

  /** Forks a stored thread, on the endpoint that holds it. */
  forkSession(threadId: string, config: Partial<SessionConfig> = {}, options: RequestOptions = {}) {
    return this.reopen('fork', threadId, config, options);
  }

  /**
   * `thread/read` on the endpoint that holds the thread (as `resumeSession` finds it), e.g. its turns
   * with `{ includeTurns: true }`.
   */
  async readThread(
    threadId: string,
    params: Omit<ThreadReadParams, 'threadId'> = {},
    options: RequestOptions = {},
  ): Promise<ThreadReadResponse> {
    this.assertOpen('readThread');
    const read = await this.onThreadHome('readThread', threadId, (client) =>
      client.readThread(threadId, params, options),
    );
    return read.value;
  }

  /** Closes every session and connection; stops reconnecting. Idempotent. */
  async close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping.abort();
      await Promise.allSettled(
        this.endpointList.map(async (endpoint) => {
          endpoint.state = 'closed';
          await endpoint.client?.close();
        }),
      );
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async reopen(
    how: 'resume' | 'fork',
    threadId: string,
    config: Partial<SessionConfig>,
    options: RequestOptions,
  ): Promise<Session> {
    this.assertOpen(`${how}Session`);
    const { endpoint, value } = await this.onThreadHome(`${how}Session`, threadId, (client) =>
      how === 'resume'
        ? client.resumeSession(threadId, config, options)
        : client.forkSession(threadId, config, options),
    );
    return this.adopt(endpoint, value);
  }

  /**
   * Runs `call` on the endpoint that holds the thread: the one this pool placed it on, or else the
   * first healthy endpoint whose codex knows it (one that answers "no such thread" is skipped).
   */
  private async onThreadHome<T>(
    what: string,
    threadId: string,
    call: (client: Client) => Promise<T>,
  ): Promise<{ endpoint: Endpoint; value: T }> {
    const home = this.homeOf(threadId);
    if (home) {
      if (!home.healthy) throw this.unavailable(`thread ${threadId} lives on ${home.name}, which is down`);
      return { endpoint: home, value: await call(home.client!) };
    }
    let lastError: unknown;
    for (const endpoint of this.endpointList.filter((e) => e.healthy)) {
      try {
        return { endpoint, value: await call(endpoint.client!) };
      } catch (error) {
        if (!(CodexRpcError.isInstance(error) && (error.isThreadNotFound() || error.isNoRollout())))
          throw error;
        lastError = error;
      }
    }
    throw lastError ?? this.unavailable(`${what}: no endpoint is up`);
  }

  /** Picks an endpoint and counts the placement on it (the caller releases it with `placing--`). */
  private async reserve(skipped: ReadonlySet<Endpoint>, options: RequestOptions): Promise<Endpoint> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_PLACEMENT_TIMEOUT_MS;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      this.assertOpen('startSession');
      const candidates = this.endpointList.filter((endpoint) => !skipped.has(endpoint));
      if (!candidates.some((endpoint) => endpoint.healthy)) {
        throw this.unavailable('startSession: no endpoint is up');
      }
      const index = pickEndpoint(
        candidates.map((endpoint) => endpoint.load()),
        this.config.maxSessionsPerEndpoint,
      );
      if (index !== undefined) {
        // Reserve in the same tick as the choice, so a burst of placements sees each other.
        candidates[index]!.placing++;
        return candidates[index]!;
      }
      if (options.signal?.aborted) {
        throw new CodexusError('ABORTED', 'startSession: aborted while waiting for room', {
          cause: options.signal.reason,
        });
      }
      if (performance.now() >= deadline) {
        throw new CodexusError(
          'REQUEST_TIMEOUT',
          `startSession: every endpoint stayed at ${this.config.maxSessionsPerEndpoint} sessions for ${timeoutMs} ms`,
          { data: { timeoutMs, endpoints: this.endpoints() } },
        );
      }
      await delay(CAPACITY_POLL_MS, options.signal).catch(() => {});
    }
  }

  private adopt(endpoint: Endpoint, session: Session): Session {
    endpoint.sessions.add(session);
    this.threadHomes.set(session.threadId, endpoint);
    return session;
  }

  private homeOf(threadId: string): Endpoint | undefined {
    for (const endpoint of this.endpointList) {
      for (const session of endpoint.sessions) if (session.threadId === threadId) return endpoint;
    }
    return this.threadHomes.get(threadId);
  }

  /**
   * One connection attempt; resolves with the error instead of throwing. `signal` is the first
   * connect's (`config.signal`); the background reconnects run without it.
   */
  private async connectEndpoint(endpoint: Endpoint, signal?: AbortSignal): Promise<unknown> {
    try {
      const {
        endpoints: _all,
        maxSessionsPerEndpoint: _max,
        reconnect: _reconnect,
        signal: _connectSignal,
        ...shared
      } = this.config;
      const client = await Client.connect({
        ...shared,
        signal,
        restart: shared.restart ?? this.clientRestart(),
        remote: endpoint.remote,
      });
      if (this.isClosed()) {
        await client.close();
        return undefined;
      }
      this.attach(endpoint, client);
      return undefined;
    } catch (error) {
      endpoint.lastError = describeError(error);
      return error;
    }
  }

  /** Reconnects an endpoint that has no live Client, with backoff, until it is up or the pool closes. */
  private async maintain(endpoint: Endpoint): Promise<void> {
    const { baseDelayMs = 250, maxDelayMs = 10_000 } = this.config.reconnect ?? {};
    endpoint.state = 'reconnecting';
    for (let attempt = 0; !this.isClosed(); attempt++) {
      await delay(
        backoffDelay(attempt, { maxRetries: Number.POSITIVE_INFINITY, baseDelayMs, maxDelayMs }),
        this.stopping.signal,
      ).catch(() => {});
      if (this.isClosed()) return;
      await this.connectEndpoint(endpoint);
      if (endpoint.healthy) {
        endpoint.reconnects++;
        this.logger.info('endpoint is back', { endpoint: endpoint.name, attempts: attempt + 1 });
        return;
      }
    }
  }

  private attach(endpoint: Endpoint, client: Client): void {
    if (this.observing) client.observeState();
    endpoint.attach(client, {
      logger: this.logger,
      poolClosed: () => this.isClosed(),
      // The Client gave up (restart policy exhausted): start over with a new one.
      gaveUp: () => void this.maintain(endpoint),
    });
  }

  private clientRestart(): RestartPolicy {
    return { maxRestarts: Number.POSITIVE_INFINITY, backoffMs: this.config.reconnect?.baseDelayMs ?? 250 };
  }

  private unavailable(message: string): CodexusError {
    return new CodexusError('CONNECTION_CLOSED', message, { data: { endpoints: this.endpoints() } });
  }

  private assertOpen(what: string): void {
    if (this.isClosed()) throw new CodexusError('CONNECTION_CLOSED', `${what}: the pool is closed`);
  }

  private isClosed(): boolean {
    return this.closing !== undefined;
  }
}
