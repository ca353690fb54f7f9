import { type Logger, type RequestId, type Subscription, silentLogger, toSubscription } from '@codexus/core';
import { Emitter } from '@codexus/core/internal';
import { isRecord } from '../internal/wire.js';
import type { RuntimeState } from '../runtime-state.js';
import type { ChangeInput } from './internal/change-sink.js';
import { type ChangeStreamOptions, changeStream } from './internal/change-stream.js';
import { ThreadRecord } from './internal/records.js';
import {
  type LifecycleInfo,
  reduceLifecycle,
  reduceServerRequest,
  reduceServerRequestAnswered,
} from './internal/reduce-connection.js';
import { isStateNotification, reduceNotification } from './internal/reduce-notification.js';
import { createReducerState, type ReducerState, unload } from './internal/reducer-ops.js';
import type { RetentionLedger } from './internal/retention-ledger.js';
import { type RetentionLimits, resolveRetentionLimits } from './retention.js';
import {
  checkStateSnapshot,
  type SnapshotMigration,
  STATE_SNAPSHOT_FORMAT_VERSION,
  type StateSnapshot,
} from './state-snapshot.js';
import type {
  ConnectionView,
  PendingServerRequestView,
  StateChange,
  StateStats,
  StateView,
  ThreadView,
  TurnView,
} from './state-view.js';

export type { LifecycleInfo } from './internal/reduce-connection.js';

export interface StateProjectionOptions {
  /**
   * Revision of the protocol inventory this runtime speaks (`PROTOCOL_REVISION` of `@codexus/protocol`).
   * Stamped on snapshots; a snapshot of another revision is refused on restore.
   */
  protocolRevision: string;
  limits?: Partial<RetentionLimits>;
  logger?: Logger;
  /** The clock used when a caller gives no time (ages, snapshots). Default `Date.now`. */
  now?: () => number;
}

/**
 * "What is going on right now?": one bounded, serializable projection of a codex connection, built only
 * from live protocol messages: notifications (`applyNotification`), server requests and their answers
 * (`applyServerRequest`, `applyServerRequestAnswered`, `serverRequest/resolved`) and connection
 * lifecycle (`applyLifecycle`). Pure: no I/O, no timers; time comes in as arguments.
 *
 * A thin composition: the typed reducer (`internal/reduce-*.ts`) turns each message into record
 * changes, the retention ledger (`internal/retention-ledger.ts`) accounts their bytes and evicts,
 * and this class numbers the change events and serves reads, watchers and snapshots.
 *
 * Retention: see {@link RetentionLimits}. Accumulated fields are capped with a truncation marker.
 * Watch it with `subscribe(fn)` or `changes()`; read it with `get()`, `thread(id)`, `turn(...)`.
 */
export class StateProjection {
  readonly limits: Readonly<RetentionLimits>;
  readonly protocolRevision: string;
  private readonly now: () => number;
  private readonly emitter: Emitter<StateChange>;
  private readonly ends = new Set<() => void>();
  private readonly ledger: RetentionLedger;
  private readonly state: ReducerState;
  private readonly connection: ConnectionView;
  private seq = 0;
  private applied = 0;
  private ignored = 0;
  private closed = false;

  constructor(options: StateProjectionOptions) {
    this.limits = Object.freeze(resolveRetentionLimits(options.limits));
    this.protocolRevision = options.protocolRevision;
    this.now = options.now ?? Date.now;
    this.emitter = new Emitter(options.logger ?? silentLogger);
    this.state = createReducerState(this.limits, (change, atMs) => this.emit(change, atMs));
    this.ledger = this.state.ledger;
    this.connection = this.state.connection;
  }

  /** Grows by one per change event (an ETag for the whole state). */
  get version(): number {
    return this.seq;
  }

  // ---- feeding ---------------------------------------------------------------------------------

  /** Applies one server notification. Unknown methods are ignored, as is everything once the connection is closed. */
  applyNotification(method: string, params: unknown, atMs: number = this.now()): void {
    if (!isStateNotification(method) || !isRecord(params) || this.connection.state === 'closed') {
      this.ignored++;
      return;
    }
    this.applied++;
    reduceNotification(this.state, method, params, atMs);
    this.ledger.enforceTotalBytes();
  }

  /** A server request arrived (it stays pending until answered or `serverRequest/resolved`). */
  applyServerRequest(id: RequestId, method: string, params: unknown, atMs: number = this.now()): void {
    reduceServerRequest(this.state, id, method, params, atMs);
  }

  /** The client answered a server request. */
  applyServerRequestAnswered(id: RequestId, atMs: number = this.now()): void {
    reduceServerRequestAnswered(this.state, id, atMs);
  }

  /**
   * The connection changed state. `restarting` and `closed` end what the old process was doing: turns
   * in progress are closed by the client (`interrupted`), threads become `notLoaded`, pending server
   * requests are dropped.
   */
  applyLifecycle(state: RuntimeState, info: LifecycleInfo = {}): void {
    reduceLifecycle(this.state, state, info, info.atMs ?? this.now());
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** The whole state as plain data (a fresh copy). `nowMs` sets the pending requests' ages. */
  get(nowMs: number = this.now()): StateView {
    return {
      connection: { ...this.connection },
      threads: [...this.ledger.threads.values()]
        .sort((a, b) => a.createdAtMs - b.createdAtMs)
        .map((t) => t.view()),
      pendingServerRequests: this.pendingServerRequests(nowMs),
    };
  }

  toJSON(): StateView {
    return this.get();
  }

  thread(threadId: string): ThreadView | undefined {
    return this.ledger.threads.get(threadId)?.view();
  }

  turn(threadId: string, turnId: string): TurnView | undefined {
    return this.ledger.threads.get(threadId)?.turns.get(turnId)?.view();
  }

  pendingServerRequests(nowMs: number = this.now()): PendingServerRequestView[] {
    return [...this.ledger.pending.values()].map((r) => ({
      id: r.id,
      method: r.method,
      threadId: r.threadId,
      turnId: r.turnId,
      itemId: r.itemId,
      receivedAtMs: r.receivedAtMs,
      ageMs: Math.max(0, nowMs - r.receivedAtMs),
    }));
  }

  stats(): StateStats {
    let turns = 0;
    let items = 0;
    let truncatedBytes = 0;
    for (const thread of this.ledger.threads.values()) {
      truncatedBytes += thread.lastDiff?.diff.droppedBytes ?? 0;
      for (const turn of thread.turns.values()) {
        turns++;
        items += turn.items.size;
        for (const item of turn.items.values()) truncatedBytes += item.truncatedBytes();
      }
    }
    return {
      threads: this.ledger.threads.size,
      turns,
      items,
      pendingServerRequests: this.ledger.pending.size,
      retainedBytes: this.ledger.totalBytes,
      truncatedBytes,
      evicted: { ...this.ledger.evicted },
      notifications: { applied: this.applied, ignored: this.ignored },
      version: this.seq,
    };
  }

  // ---- watching --------------------------------------------------------------------------------

  /** Calls `listener` on every change, synchronously. A throwing listener is logged and never breaks the others. */
  subscribe(listener: (change: StateChange) => void): Subscription {
    return this.emitter.on('*', listener);
  }

  /** Change events as a bounded async iterable (see {@link ChangeStreamOptions}). Ends on `close()`. */
  changes(options: ChangeStreamOptions = {}): AsyncIterableIterator<StateChange> & AsyncDisposable {
    return changeStream(
      (listener) => this.subscribe(listener),
      (end) => {
        if (this.closed) {
          end();
          return toSubscription(() => {});
        }
        this.ends.add(end);
        return toSubscription(() => this.ends.delete(end));
      },
      options,
    );
  }

  /** Ends every `changes()` iterator. The projection stays readable (and feedable). Idempotent. */
  close(): void {
    this.closed = true;
    for (const end of [...this.ends]) end();
  }

  // ---- snapshots -------------------------------------------------------------------------------

  snapshot(takenAtMs: number = this.now()): StateSnapshot {
    return {
      formatVersion: STATE_SNAPSHOT_FORMAT_VERSION,
      protocolRevision: this.protocolRevision,
      takenAtMs,
      state: this.get(takenAtMs),
    };
  }

  /**
   * Merges a snapshot into the projection: threads it does not know yet are added as `notLoaded`
   * (live data wins for threads it knows); turns that were still running are closed by the client.
   * Refuses (`VALIDATION_FAILED`) another format version, another protocol revision (unless
   * `migrate` converts it) or a malformed snapshot. Returns the number of threads added.
   */
  restore(snapshot: unknown, options: { migrate?: SnapshotMigration; atMs?: number } = {}): number {
    const checked = checkStateSnapshot(snapshot, this.protocolRevision, options.migrate);
    const atMs = options.atMs ?? this.now();
    let added = 0;
    for (const view of checked.state.threads) {
      if (this.ledger.threads.has(view.id)) continue;
      const thread = ThreadRecord.fromView(view, this.limits.maxItemBytes);
      this.ledger.adoptThread(thread);
      unload(this.state, thread, atMs, 'restored from a snapshot; the process that ran it is gone', false);
      this.ledger.settleAdopted(thread);
      added++;
    }
    this.ledger.settleRestored();
    this.emit({ type: 'restored', threads: added }, atMs);
    return added;
  }

  private emit(change: ChangeInput, atMs: number = this.now()): void {
    this.seq++;
    this.emitter.emit(change.type, { ...change, seq: this.seq, atMs } as StateChange);
  }
}
