import {
  CodexusError,
  type Logger,
  type RequestId,
  type ServerNotification,
  type ServerRequest,
  type Subscription,
  silentLogger,
} from '@codexus/core';
import type { RuntimeState } from '../runtime-state.js';
import type { RetentionLimits } from './retention.js';
import { StateProjection } from './state-projection.js';
import type { SnapshotMigration, StateSnapshot } from './state-snapshot.js';
import type { StateStore } from './state-store.js';

/**
 * What the state projection needs of a `Runtime` (a `Runtime` is one). Server requests are reported
 * exactly by the two hooks: when one arrives, and when this client answered it.
 */
export interface StateSource {
  readonly server: { readonly codexVersion: string };
  readonly logger?: Logger;
  on(method: string, listener: (notification: ServerNotification) => void): Subscription;
  onStateChange(listener: (state: RuntimeState) => void): Subscription;
  metrics(): { readonly state: RuntimeState; readonly restarts: number };
  /** Every server request, when it arrives (before any handler answers it). */
  onServerRequest(listener: (request: ServerRequest) => void): Subscription;
  /** A server request was answered by this client. */
  onServerRequestAnswered(listener: (id: RequestId, atMs: number) => void): Subscription;
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
  logger?: Logger;
}

export type RestoreOutcome =
  | { status: 'restored'; threads: number }
  | { status: 'empty' }
  | { status: 'refused'; error: unknown };

/** A projection fed by a runtime, with optional persisted snapshots. */
export interface StateAttachment extends AsyncDisposable, Subscription {
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

/**
 * Feeds a {@link StateProjection} from a runtime, from the outside: `runtime.on('*')`,
 * `runtime.onStateChange`, and the runtime's server-request hooks (arrived, answered; a request the
 * server withdraws is ended by its `serverRequest/resolved` notification). No polling.
 */
export function attachStateProjection(source: StateSource, options: AttachStateOptions): StateAttachment {
  const logger = options.logger ?? source.logger ?? silentLogger;
  const projection =
    options.projection ??
    new StateProjection({ protocolRevision: options.protocolRevision, limits: options.limits, logger });
  const owned = options.projection === undefined;
  const subscriptions: Subscription[] = [];
  let snapshotTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let closing: Promise<void> | undefined;

  const lifecycle = (state: RuntimeState): void => {
    const { restarts } = source.metrics();
    projection.applyLifecycle(state, { codexVersion: source.server.codexVersion, restarts });
  };
  lifecycle(source.metrics().state);

  subscriptions.push(
    source.on('*', (n) => projection.applyNotification(n.method, n.params, n.receivedAtMs)),
    source.onStateChange((state) => {
      lifecycle(state);
      if (state === 'closed') void close();
    }),
    // Server requests: reported exactly by the runtime, when one arrives and when it is answered.
    source.onServerRequest((r) => projection.applyServerRequest(r.id, r.method, r.params, r.receivedAtMs)),
    source.onServerRequestAnswered((id, atMs) => projection.applyServerRequestAnswered(id, atMs)),
  );

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
    snapshotTimer = undefined;
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
