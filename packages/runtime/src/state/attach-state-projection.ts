import {
  CodexusError,
  type Disposable,
  type Logger,
  type RequestId,
  type ServerNotification,
  type ServerRequest,
  silentLogger,
} from '@codexus/core';
import { isRecord } from '../internal/wire.js';
import type { RuntimeState } from '../runtime.js';
import { requestKey } from './internal/request-key.js';
import type { RetentionLimits } from './retention.js';
import { StateProjection } from './state-projection.js';
import type { SnapshotMigration, StateSnapshot } from './state-snapshot.js';
import type { StateStore } from './state-store.js';

/**
 * What the state projection needs of a `Runtime` (a `Runtime` is one). The two optional hooks report
 * server requests exactly; without them the attachment watches `connection.pendingServerRequests()`.
 */
export interface StateSource {
  readonly server: { readonly codexVersion: string };
  readonly connection: { pendingServerRequests(): readonly ServerRequest[] };
  readonly logger?: Logger;
  on(method: string, listener: (notification: ServerNotification) => void): Disposable;
  onStateChange(listener: (state: RuntimeState) => void): Disposable;
  metrics(): { readonly state: RuntimeState; readonly restarts: number };
  /** Every server request, when it arrives (before any handler answers it). */
  onServerRequest?(listener: (request: ServerRequest) => void): Disposable;
  /** A server request was answered by this client. */
  onServerRequestAnswered?(listener: (id: RequestId, atMs: number) => void): Disposable;
}

export interface AttachStateOptions {
  /** Revision of the protocol inventory (`PROTOCOL_REVISION` of `@codexus/protocol`). */
  protocolRevision: string;
  limits?: Partial<RetentionLimits>;
  /** Feed this projection instead of a new one (it is not closed with the attachment). */
  projection?: StateProjection;
  /** Where snapshots go. Without one, `snapshot()` only returns the snapshot. */
  store?: StateStore;
  /** Save a snapshot to the store this often (ms; unref'd timer). 0 or unset: only on demand and on close. */
  snapshotIntervalMs?: number;
  /** Restore the store's snapshot when attaching (its threads show as `notLoaded`). Default true. */
  restoreOnStart?: boolean;
  migrate?: SnapshotMigration;
  /**
   * Without the runtime's server-request hooks: how often (ms) pending server requests are read from
   * the connection while a turn runs. Default 20; 0 reads them only when a notification arrives.
   */
  serverRequestPollMs?: number;
  logger?: Logger;
}

export type RestoreOutcome =
  | { status: 'restored'; threads: number }
  | { status: 'empty' }
  | { status: 'refused'; error: unknown };

/** A projection fed by a runtime, with optional persisted snapshots. */
export interface StateAttachment extends AsyncDisposable, Disposable {
  readonly projection: StateProjection;
  /** Settles once the start-up restore is done (never rejects; a refused snapshot is logged and reported). */
  readonly restored: Promise<RestoreOutcome>;
  /** Takes a snapshot and saves it to the store (after the start-up restore). */
  snapshot(): Promise<StateSnapshot>;
  /** Stops feeding and the timers, then saves a last snapshot when there is a store. Idempotent. */
  close(): Promise<void>;
  /** Stops feeding and the timers, without a last snapshot. */
  dispose(): void;
}

/** At most this many withdrawn request ids are remembered (so a withdrawn, never-answered request is not shown again). */
const MAX_TOMBSTONES = 1_024;

/**
 * Feeds a {@link StateProjection} from a runtime, from the outside: `runtime.on('*')`,
 * `runtime.onStateChange`, and server requests from the runtime's hooks when it has them, else from
 * `connection.pendingServerRequests()` (read on every notification and, while a turn runs, on a short
 * unref'd poll).
 */
export function attachStateProjection(source: StateSource, options: AttachStateOptions): StateAttachment {
  const logger = options.logger ?? source.logger ?? silentLogger;
  const projection =
    options.projection ??
    new StateProjection({ protocolRevision: options.protocolRevision, limits: options.limits, logger });
  const owned = options.projection === undefined;
  const subscriptions: Disposable[] = [];
  let snapshotTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let closing: Promise<void> | undefined;

  const lifecycle = (state: RuntimeState): void => {
    const { restarts } = source.metrics();
    projection.applyLifecycle(state, { codexVersion: source.server.codexVersion, restarts });
  };
  lifecycle(source.metrics().state);

  // Server requests: exact hooks, or reconcile with the connection's unanswered requests.
  const hooked = typeof source.onServerRequest === 'function';
  const reported = new Map<string, RequestId>();
  const tombstones = new Set<string>();
  const reconcile = (): void => {
    let live: readonly ServerRequest[];
    try {
      live = source.connection.pendingServerRequests();
    } catch {
      return;
    }
    const liveKeys = new Set<string>();
    for (const request of live) {
      const key = requestKey(request.id);
      liveKeys.add(key);
      if (request.answered || reported.has(key) || tombstones.has(key)) continue;
      reported.set(key, request.id);
      projection.applyServerRequest(request.id, request.method, request.params, request.receivedAtMs);
    }
    for (const [key, id] of reported) {
      if (liveKeys.has(key)) continue;
      reported.delete(key);
      projection.applyServerRequestAnswered(id);
    }
  };
  const schedulePoll = (): void => {
    const pollMs = options.serverRequestPollMs ?? 20;
    if (hooked || stopped || pollMs <= 0) return;
    if (projection.busy && !pollTimer) {
      pollTimer = setInterval(() => {
        reconcile();
        schedulePoll();
      }, pollMs);
      pollTimer.unref();
    } else if (!projection.busy && pollTimer) {
      clearInterval(pollTimer);
      pollTimer = undefined;
    }
  };

  subscriptions.push(
    source.on('*', (n) => {
      projection.applyNotification(n.method, n.params, n.receivedAtMs);
      if (hooked) return;
      if (n.method === 'serverRequest/resolved' && isRecord(n.params)) {
        const id = n.params.requestId;
        if (typeof id === 'string' || typeof id === 'number') remember(requestKey(id));
      }
      reconcile();
      schedulePoll();
    }),
    source.onStateChange((state) => {
      lifecycle(state);
      reported.clear();
      tombstones.clear();
      schedulePoll();
      if (state === 'closed') void close();
    }),
  );
  if (hooked) {
    subscriptions.push(
      source.onServerRequest!((r) => projection.applyServerRequest(r.id, r.method, r.params, r.receivedAtMs)),
    );
    if (source.onServerRequestAnswered) {
      subscriptions.push(
        source.onServerRequestAnswered((id, atMs) => projection.applyServerRequestAnswered(id, atMs)),
      );
    }
  }

  function remember(key: string): void {
    reported.delete(key);
    tombstones.add(key);
    if (tombstones.size > MAX_TOMBSTONES) tombstones.delete(tombstones.values().next().value!);
  }

  const store = options.store;
  const restored: Promise<RestoreOutcome> = (async () => {
    if (!store || options.restoreOnStart === false) return { status: 'empty' };
    try {
      const snapshot = await store.load();
      if (snapshot === undefined) return { status: 'empty' };
      return { status: 'restored', threads: projection.restore(snapshot, { migrate: options.migrate }) };
    } catch (error) {
      logger.warn('the state snapshot was not restored', {
        error: String(error),
        ...(CodexusError.isInstance(error) ? { code: error.code } : {}),
      });
      return { status: 'refused', error };
    }
  })();

  const snapshot = async (): Promise<StateSnapshot> => {
    await restored;
    const taken = projection.snapshot();
    await store?.save(taken);
    return taken;
  };

  const interval = options.snapshotIntervalMs ?? 0;
  if (store && interval > 0) {
    snapshotTimer = setInterval(() => {
      snapshot().catch((error: unknown) =>
        logger.warn('could not save a state snapshot', { error: String(error) }),
      );
    }, interval);
    snapshotTimer.unref();
  }

  const dispose = (): void => {
    if (stopped) return;
    stopped = true;
    for (const subscription of subscriptions.splice(0)) subscription.dispose();
    if (snapshotTimer) clearInterval(snapshotTimer);
    if (pollTimer) clearInterval(pollTimer);
    snapshotTimer = undefined;
    pollTimer = undefined;
    if (owned) projection.close();
  };

  function close(): Promise<void> {
    closing ??= (async () => {
      const wasRunning = !stopped;
      dispose();
      if (store && wasRunning) {
        await snapshot().catch((error: unknown) =>
          logger.warn('could not save the last state snapshot', { error: String(error) }),
        );
      }
    })();
    return closing;
  }

  return {
    projection,
    restored,
    snapshot,
    close,
    dispose,
    [Symbol.dispose]: dispose,
    [Symbol.asyncDispose]: close,
  };
}
