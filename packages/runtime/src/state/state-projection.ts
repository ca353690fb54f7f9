import {
  type Disposable,
  Emitter,
  type Logger,
  type RequestId,
  silentLogger,
  toDisposable,
} from '@codexus/core';
import { isRecord, str } from '../internal/wire.js';
import type { RuntimeState } from '../runtime-state.js';
import { capText } from './capped-text.js';
import { type ChangeStreamOptions, changeStream } from './internal/change-stream.js';
import {
  boundPlan,
  boundSmall,
  boundTokenUsage,
  boundTurnError,
  ItemRecord,
  num,
  ThreadRecord,
  type TurnEnding,
  TurnRecord,
} from './internal/records.js';
import { requestKey } from './internal/request-key.js';
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
  ThreadChangeReason,
  ThreadStatusType,
  ThreadView,
  TurnStatusView,
  TurnView,
} from './state-view.js';

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

/** What `applyLifecycle` may learn besides the state. */
export interface LifecycleInfo {
  atMs?: number;
  codexVersion?: string;
  restarts?: number;
}

interface PendingRecord extends Omit<PendingServerRequestView, 'ageMs'> {
  bytes: number;
}

type Handler = (params: Record<string, unknown>, atMs: number) => void;

/** Delta notifications: the item type they imply and the field they grow. */
const DELTAS: Record<string, { type: string; field: 'text' | 'output' }> = {
  'item/agentMessage/delta': { type: 'agentMessage', field: 'text' },
  'item/plan/delta': { type: 'plan', field: 'text' },
  'item/reasoning/summaryTextDelta': { type: 'reasoning', field: 'text' },
  'item/commandExecution/outputDelta': { type: 'commandExecution', field: 'output' },
};

/** Thread statuses as the wire spells them. */
const THREAD_STATUSES = new Set<ThreadStatusType>(['notLoaded', 'idle', 'active', 'systemError']);
const TERMINAL_TURN_STATUSES = new Set<TurnStatusView>(['completed', 'interrupted', 'failed']);
const PENDING_OVERHEAD = 160;

/**
 * "What is going on right now?": one bounded, serializable projection of a codex connection, built only
 * from live protocol messages: notifications (`applyNotification`), server requests and their answers
 * (`applyServerRequest`, `applyServerRequestAnswered`, `serverRequest/resolved`) and connection
 * lifecycle (`applyLifecycle`). Pure: no I/O, no timers; time comes in as arguments.
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
  private readonly threads = new Map<string, ThreadRecord>();
  private readonly pending = new Map<string, PendingRecord>();
  /** Finished turns in the order they finished: the eviction order under byte pressure. */
  private readonly finished = new Set<TurnRecord>();
  private readonly connection: ConnectionView = {
    state: 'starting',
    codexVersion: null,
    restarts: 0,
    changedAtMs: null,
  };
  private totalBytes = 0;
  private seq = 0;
  private applied = 0;
  private ignored = 0;
  private readonly evicted = { threads: 0, turns: 0, items: 0 };
  private closed = false;
  private readonly handlers: Record<string, Handler>;

  constructor(options: StateProjectionOptions) {
    this.limits = Object.freeze(resolveRetentionLimits(options.limits));
    this.protocolRevision = options.protocolRevision;
    this.now = options.now ?? Date.now;
    this.emitter = new Emitter(options.logger ?? silentLogger);
    this.handlers = {
      'thread/started': (p, at) => this.onThreadStarted(p, at),
      'thread/status/changed': (p, at) => this.onThreadStatus(p, at),
      'thread/name/updated': (p, at) =>
        this.updateThread(p, at, 'name', (t) => {
          t.name = boundSmall(p.threadName);
        }),
      'thread/archived': (p, at) => this.updateThread(p, at, 'archived', (t) => (t.archived = true), true),
      'thread/unarchived': (p, at) =>
        this.updateThread(p, at, 'unarchived', (t) => (t.archived = false), true),
      'thread/closed': (p, at) => this.onThreadClosed(p, at),
      'thread/deleted': (p, at) => this.onThreadDeleted(p, at),
      'thread/tokenUsage/updated': (p, at) =>
        this.updateThread(p, at, 'tokenUsage', (t) => {
          t.tokenUsage = boundTokenUsage(p.tokenUsage) ?? t.tokenUsage;
        }),
      'turn/started': (p, at) => this.onTurnStarted(p, at),
      'turn/completed': (p, at) => this.onTurnCompleted(p, at),
      'turn/diff/updated': (p, at) =>
        this.updateThread(p, at, 'diff', (t) => {
          t.lastDiff = {
            turnId: str(p.turnId) ?? null,
            diff: capText(str(p.diff) ?? '', this.limits.maxItemBytes),
          };
        }),
      'turn/plan/updated': (p, at) =>
        this.updateThread(p, at, 'plan', (t) => {
          t.lastPlan = boundPlan(p, this.limits.maxItemBytes);
        }),
      error: (p, at) => this.onError(p, at),
      'item/started': (p, at) => this.onItem(p, 'started', at),
      'item/completed': (p, at) => this.onItem(p, 'completed', at),
      'item/reasoning/summaryPartAdded': (p, at) => {
        if ((num(p.summaryIndex) ?? 0) > 0)
          this.onDelta(p, at, DELTAS['item/reasoning/summaryTextDelta']!, '\n\n');
      },
      'item/fileChange/patchUpdated': (p, at) => this.onPatchUpdated(p, at),
      'serverRequest/resolved': (p, at) => {
        if (typeof p.requestId === 'string' || typeof p.requestId === 'number') {
          this.removePending(p.requestId, 'resolved', at);
        }
      },
    };
    for (const [method, delta] of Object.entries(DELTAS)) {
      this.handlers[method] = (p, at) => this.onDelta(p, at, delta, str(p.delta) ?? '');
    }
  }

  /** Grows by one per change event (an ETag for the whole state). */
  get version(): number {
    return this.seq;
  }

  // ---- feeding ---------------------------------------------------------------------------------

  /** Applies one server notification. Unknown methods are ignored, as is everything once the connection is closed. */
  applyNotification(method: string, params: unknown, atMs: number = this.now()): void {
    const handler = Object.hasOwn(this.handlers, method) ? this.handlers[method] : undefined;
    if (!handler || !isRecord(params) || this.connection.state === 'closed') {
      this.ignored++;
      return;
    }
    this.applied++;
    handler(params, atMs);
    this.enforceTotalBytes();
  }

  /** A server request arrived (it stays pending until answered or `serverRequest/resolved`). */
  applyServerRequest(id: RequestId, method: string, params: unknown, atMs: number = this.now()): void {
    const key = requestKey(id);
    if (this.pending.has(key)) return;
    const p = isRecord(params) ? params : {};
    const record: PendingRecord = {
      id,
      method,
      threadId: str(p.threadId) ?? null,
      turnId: str(p.turnId) ?? null,
      itemId: str(p.itemId) ?? null,
      receivedAtMs: atMs,
      bytes: PENDING_OVERHEAD + method.length + String(id).length,
    };
    this.pending.set(key, record);
    this.totalBytes += record.bytes;
    this.emit({ type: 'serverRequest', requestId: id, threadId: record.threadId, reason: 'pending' }, atMs);
  }

  /** The client answered a server request. */
  applyServerRequestAnswered(id: RequestId, atMs: number = this.now()): void {
    this.removePending(id, 'answered', atMs);
  }

  /**
   * The connection changed state. `restarting` and `closed` end what the old process was doing: turns
   * in progress are closed by the client (`interrupted`), threads become `notLoaded`, pending server
   * requests are dropped.
   */
  applyLifecycle(state: RuntimeState, info: LifecycleInfo = {}): void {
    const atMs = info.atMs ?? this.now();
    const c = this.connection;
    const changed =
      c.state !== state ||
      (info.codexVersion !== undefined && info.codexVersion !== c.codexVersion) ||
      (info.restarts !== undefined && info.restarts !== c.restarts);
    if (!changed) return;
    c.state = state;
    if (info.codexVersion !== undefined) c.codexVersion = info.codexVersion;
    if (info.restarts !== undefined) c.restarts = info.restarts;
    c.changedAtMs = atMs;
    this.emit({ type: 'connection', state }, atMs);
    if (state !== 'restarting' && state !== 'closed') return;
    for (const thread of this.threads.values()) this.unload(thread, atMs, `the connection is ${state}`);
    for (const record of [...this.pending.values()]) this.removePending(record.id, 'connectionLost', atMs);
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** The whole state as plain data (a fresh copy). `nowMs` sets the pending requests' ages. */
  get(nowMs: number = this.now()): StateView {
    return {
      connection: { ...this.connection },
      threads: this.sortedThreads().map((t) => t.view()),
      pendingServerRequests: this.pendingServerRequests(nowMs),
    };
  }

  toJSON(): StateView {
    return this.get();
  }

  thread(threadId: string): ThreadView | undefined {
    return this.threads.get(threadId)?.view();
  }

  turn(threadId: string, turnId: string): TurnView | undefined {
    return this.threads.get(threadId)?.turns.get(turnId)?.view();
  }

  /** True while some thread runs a turn (or the server reports it active). */
  get busy(): boolean {
    for (const thread of this.threads.values()) {
      if (thread.status === 'active' || thread.activeTurnId !== null) return true;
    }
    return false;
  }

  pendingServerRequests(nowMs: number = this.now()): PendingServerRequestView[] {
    return [...this.pending.values()].map((r) => ({
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
    for (const thread of this.threads.values()) {
      truncatedBytes += thread.lastDiff?.diff.droppedBytes ?? 0;
      for (const turn of thread.turns.values()) {
        turns++;
        items += turn.items.size;
        for (const item of turn.items.values()) truncatedBytes += item.truncatedBytes();
      }
    }
    return {
      threads: this.threads.size,
      turns,
      items,
      pendingServerRequests: this.pending.size,
      retainedBytes: this.totalBytes,
      truncatedBytes,
      evicted: { ...this.evicted },
      notifications: { applied: this.applied, ignored: this.ignored },
      version: this.seq,
    };
  }

  // ---- watching --------------------------------------------------------------------------------

  /** Calls `listener` on every change, synchronously. A throwing listener is logged and never breaks the others. */
  subscribe(listener: (change: StateChange) => void): Disposable {
    return this.emitter.on('*', listener);
  }

  /** Change events as a bounded async iterable (see {@link ChangeStreamOptions}). Ends on `close()`. */
  changes(options: ChangeStreamOptions = {}): AsyncIterableIterator<StateChange> & AsyncDisposable {
    return changeStream(
      (listener) => this.subscribe(listener),
      (end) => {
        if (this.closed) {
          end();
          return toDisposable(() => {});
        }
        this.ends.add(end);
        return toDisposable(() => this.ends.delete(end));
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
      if (this.threads.has(view.id)) continue;
      const thread = ThreadRecord.fromView(view, this.limits.maxItemBytes);
      this.threads.set(thread.id, thread);
      this.totalBytes += thread.totalBytes;
      for (const turn of thread.turns.values()) if (turn.finished) this.finished.add(turn);
      this.unload(thread, atMs, 'restored from a snapshot; the process that ran it is gone', false);
      for (const turn of [...thread.turns.values()]) this.enforceItems(thread, turn);
      this.enforceTurns(thread);
      added++;
    }
    this.reorderFinished();
    this.enforceThreads();
    this.enforceTotalBytes();
    this.emit({ type: 'restored', threads: added }, atMs);
    return added;
  }

  // ---- notification handlers -------------------------------------------------------------------

  private onThreadStarted(p: Record<string, unknown>, atMs: number): void {
    const info = isRecord(p.thread) ? p.thread : {};
    const id = str(info.id);
    if (!id) return;
    const thread = this.ensureThread(id, atMs);
    this.resize(thread, () => {
      thread.name = boundSmall(info.name) ?? thread.name;
      thread.cwd = boundSmall(info.cwd) ?? thread.cwd;
      thread.model = boundSmall(info.model) ?? thread.model;
      this.setStatus(thread, info.status);
      if (thread.status === 'notLoaded') thread.status = 'idle';
    });
    this.emit({ type: 'thread', threadId: id, reason: 'started' }, atMs);
  }

  private onThreadStatus(p: Record<string, unknown>, atMs: number): void {
    this.updateThread(p, atMs, 'status', (thread) => this.setStatus(thread, p.status));
  }

  private onThreadClosed(p: Record<string, unknown>, atMs: number): void {
    const thread = this.threads.get(str(p.threadId) ?? '');
    if (thread) this.unload(thread, atMs, 'the thread was closed');
  }

  private onThreadDeleted(p: Record<string, unknown>, atMs: number): void {
    const thread = this.threads.get(str(p.threadId) ?? '');
    if (thread) this.removeThread(thread, 'deleted', atMs);
  }

  private onTurnStarted(p: Record<string, unknown>, atMs: number): void {
    const turnId = isRecord(p.turn) ? str(p.turn.id) : undefined;
    const threadId = str(p.threadId);
    if (!turnId || !threadId) return;
    const thread = this.loadedThread(threadId, atMs);
    let turn = thread.turns.get(turnId);
    if (turn?.finished) return;
    turn ??= this.addTurn(thread, turnId, atMs);
    turn.startedAtMs ??= atMs;
    this.resize(thread, () => {
      thread.activeTurnId = turnId;
    });
    this.emit({ type: 'turn', threadId, turnId, reason: 'started' }, atMs);
  }

  private onTurnCompleted(p: Record<string, unknown>, atMs: number): void {
    const wire = isRecord(p.turn) ? p.turn : {};
    const found = this.turnOf({ threadId: p.threadId, turnId: wire.id }, atMs);
    if (!found) return;
    const { thread, turn } = found;
    const raw = str(wire.status) as TurnStatusView | undefined;
    const status: TurnStatusView = raw && TERMINAL_TURN_STATUSES.has(raw) ? raw : 'failed';
    const error = isRecord(wire.error)
      ? boundTurnError(wire.error, this.limits.maxItemBytes)
      : status === 'failed'
        ? (turn.pendingError ?? { message: 'the turn failed', codexErrorInfo: null, additionalDetails: null })
        : null;
    this.finishTurn(thread, turn, {
      status,
      endedBy: 'server',
      atMs,
      error,
      durationMs: num(wire.durationMs),
    });
  }

  private onError(p: Record<string, unknown>, atMs: number): void {
    if (p.willRetry === true) return;
    const found = this.turnOf(p, atMs);
    if (found) found.turn.pendingError = boundTurnError(p.error, this.limits.maxItemBytes);
  }

  private onItem(p: Record<string, unknown>, phase: 'started' | 'completed', atMs: number): void {
    const wire = isRecord(p.item) ? p.item : undefined;
    const itemId = wire ? str(wire.id) : undefined;
    const type = wire ? str(wire.type) : undefined;
    if (!wire || !itemId || !type) return;
    const found = this.turnOf(p, atMs);
    if (!found) return;
    const { thread, turn } = found;
    const item = turn.items.get(itemId) ?? this.addItem(thread, turn, itemId, type);
    const at = num(phase === 'started' ? p.startedAtMs : p.completedAtMs) ?? atMs;
    this.resizeItem(thread, turn, item, () => item.applyItem(wire, phase, at));
    this.emit({ type: 'item', threadId: thread.id, turnId: turn.id, itemId, reason: phase }, atMs);
    this.enforceItems(thread, turn);
  }

  private onDelta(
    p: Record<string, unknown>,
    atMs: number,
    delta: { type: string; field: 'text' | 'output' },
    text: string,
  ): void {
    const itemId = str(p.itemId);
    const found = itemId ? this.turnOf(p, atMs) : undefined;
    if (!found || !itemId || text.length === 0) return;
    const { thread, turn } = found;
    const existing = turn.items.get(itemId);
    if (existing?.finished) return;
    const item = existing ?? this.addItem(thread, turn, itemId, delta.type, atMs);
    this.resizeItem(thread, turn, item, () =>
      delta.field === 'text' ? item.appendText(text) : item.appendOutput(text),
    );
    this.emit({ type: 'item', threadId: thread.id, turnId: turn.id, itemId, reason: 'updated' }, atMs);
  }

  private onPatchUpdated(p: Record<string, unknown>, atMs: number): void {
    const itemId = str(p.itemId);
    const found = itemId ? this.turnOf(p, atMs) : undefined;
    if (!found || !itemId || !Array.isArray(p.changes)) return;
    const { thread, turn } = found;
    const item = turn.items.get(itemId) ?? this.addItem(thread, turn, itemId, 'fileChange', atMs);
    const changes = p.changes;
    this.resizeItem(thread, turn, item, () => item.setChanges(changes));
    this.emit({ type: 'item', threadId: thread.id, turnId: turn.id, itemId, reason: 'updated' }, atMs);
  }

  // ---- records ---------------------------------------------------------------------------------

  private ensureThread(id: string, atMs: number): ThreadRecord {
    const existing = this.threads.get(id);
    if (existing) {
      existing.updatedAtMs = Math.max(existing.updatedAtMs, atMs);
      return existing;
    }
    const thread = new ThreadRecord(id, atMs, atMs);
    this.threads.set(id, thread);
    this.totalBytes += thread.bytes;
    this.enforceThreads(thread);
    return thread;
  }

  /** The thread of a notification that shows it is loaded: a `notLoaded` thread becomes `idle`. */
  private loadedThread(id: string, atMs: number): ThreadRecord {
    const thread = this.ensureThread(id, atMs);
    if (thread.status === 'notLoaded') {
      this.resize(thread, () => {
        thread.status = 'idle';
      });
      this.emit({ type: 'thread', threadId: id, reason: 'status' }, atMs);
    }
    return thread;
  }

  /**
   * The thread and turn a notification names. An unknown turn is created only while its thread may be
   * running it (a late notification of a finished, evicted turn does not bring it back).
   */
  private turnOf(
    p: { threadId?: unknown; turnId?: unknown },
    atMs: number,
  ): { thread: ThreadRecord; turn: TurnRecord } | undefined {
    const threadId = str(p.threadId);
    const turnId = str(p.turnId);
    if (!threadId || !turnId) return undefined;
    const known = this.threads.has(threadId);
    const thread = this.loadedThread(threadId, atMs);
    const turn = thread.turns.get(turnId);
    if (turn) return { thread, turn };
    if (known && thread.status !== 'active' && thread.activeTurnId !== turnId) return undefined;
    const created = this.addTurn(thread, turnId, atMs);
    this.resize(thread, () => {
      thread.activeTurnId = turnId;
    });
    this.emit({ type: 'turn', threadId, turnId, reason: 'started' }, atMs);
    return { thread, turn: created };
  }

  private addTurn(thread: ThreadRecord, turnId: string, atMs: number): TurnRecord {
    const turn = new TurnRecord(turnId, thread.id);
    turn.startedAtMs = atMs;
    thread.turns.set(turnId, turn);
    thread.turnBytes += turn.totalBytes;
    this.totalBytes += turn.totalBytes;
    this.enforceTurns(thread);
    return turn;
  }

  private addItem(
    thread: ThreadRecord,
    turn: TurnRecord,
    itemId: string,
    type: string,
    startedAtMs?: number,
  ): ItemRecord {
    const item = new ItemRecord(itemId, type, this.limits.maxItemBytes);
    if (startedAtMs !== undefined) item.startedAtMs = startedAtMs;
    turn.items.set(itemId, item);
    turn.itemBytes += item.bytes;
    thread.turnBytes += item.bytes;
    this.totalBytes += item.bytes;
    return item;
  }

  private finishTurn(thread: ThreadRecord, turn: TurnRecord, ending: TurnEnding): void {
    const { status, atMs } = ending;
    for (const item of turn.items.values()) {
      if (item.finished) continue;
      this.resizeItem(thread, turn, item, () => item.closeByClient(status, atMs));
      this.emit(
        { type: 'item', threadId: thread.id, turnId: turn.id, itemId: item.id, reason: 'completed' },
        atMs,
      );
    }
    this.resizeTurn(thread, turn, () => turn.finish(ending));
    this.finished.add(turn);
    if (thread.activeTurnId === turn.id) {
      this.resize(thread, () => {
        thread.activeTurnId = null;
      });
    }
    this.emit({ type: 'turn', threadId: thread.id, turnId: turn.id, reason: 'completed' }, atMs);
    this.enforceTurns(thread);
  }

  /** The process no longer runs this thread: close its running turns, mark it `notLoaded`. */
  private unload(thread: ThreadRecord, atMs: number, reason: string, notify = true): void {
    for (const turn of [...thread.turns.values()]) {
      if (turn.finished) continue;
      const error = {
        message: `codexus: ${reason} before the turn completed`,
        codexErrorInfo: null,
        additionalDetails: null,
      };
      this.finishTurn(thread, turn, { status: 'interrupted', endedBy: 'client', atMs, error });
    }
    if (thread.status === 'notLoaded' && thread.activeFlags.length === 0 && thread.activeTurnId === null)
      return;
    this.resize(thread, () => {
      thread.status = 'notLoaded';
      thread.activeFlags = [];
      thread.activeTurnId = null;
    });
    if (notify) this.emit({ type: 'thread', threadId: thread.id, reason: 'notLoaded' }, atMs);
  }

  private setStatus(thread: ThreadRecord, raw: unknown): void {
    const status = isRecord(raw) ? raw : {};
    const type = str(status.type) as ThreadStatusType | undefined;
    if (!type || !THREAD_STATUSES.has(type)) return;
    thread.status = type;
    thread.activeFlags =
      type === 'active' && Array.isArray(status.activeFlags)
        ? status.activeFlags.filter((f): f is string => typeof f === 'string').slice(0, 16)
        : [];
  }

  /**
   * Applies a thread-level notification. `knownOnly`: the notification neither creates the thread nor
   * shows it loaded (archive state).
   */
  private updateThread(
    p: Record<string, unknown>,
    atMs: number,
    reason: ThreadChangeReason,
    mutate: (thread: ThreadRecord) => void,
    knownOnly = false,
  ): void {
    const threadId = str(p.threadId);
    if (!threadId) return;
    const thread = knownOnly ? this.threads.get(threadId) : this.loadedThread(threadId, atMs);
    if (!thread) return;
    this.resize(thread, () => mutate(thread));
    thread.updatedAtMs = Math.max(thread.updatedAtMs, atMs);
    this.emit({ type: 'thread', threadId, reason }, atMs);
  }

  private removePending(
    id: RequestId,
    reason: 'answered' | 'resolved' | 'connectionLost',
    atMs: number,
  ): void {
    const key = requestKey(id);
    const record = this.pending.get(key);
    if (!record) return;
    this.pending.delete(key);
    this.totalBytes -= record.bytes;
    this.emit({ type: 'serverRequest', requestId: record.id, threadId: record.threadId, reason }, atMs);
  }

  // ---- byte accounting -------------------------------------------------------------------------

  private resize(thread: ThreadRecord, mutate: () => void): void {
    const before = thread.bytes;
    mutate();
    thread.measure();
    this.totalBytes += thread.bytes - before;
  }

  private resizeTurn(thread: ThreadRecord, turn: TurnRecord, mutate: () => void): void {
    const before = turn.bytes;
    mutate();
    const delta = turn.bytes - before;
    thread.turnBytes += delta;
    this.totalBytes += delta;
  }

  private resizeItem(thread: ThreadRecord, turn: TurnRecord, item: ItemRecord, mutate: () => void): void {
    const before = item.bytes;
    mutate();
    const delta = item.bytes - before;
    turn.itemBytes += delta;
    thread.turnBytes += delta;
    this.totalBytes += delta;
  }

  // ---- retention -------------------------------------------------------------------------------

  private enforceItems(thread: ThreadRecord, turn: TurnRecord): void {
    while (turn.items.size > this.limits.maxItemsPerTurn) {
      const victim = firstWhere(turn.items.values(), (item) => item.finished);
      if (!victim) return;
      this.evictItem(thread, turn, victim);
    }
  }

  private enforceTurns(thread: ThreadRecord): void {
    while (thread.turns.size > this.limits.maxTurnsPerThread) {
      const victim = firstWhere(thread.turns.values(), (turn) => turn.finished);
      if (!victim) return;
      this.evictTurn(thread, victim);
    }
  }

  private enforceThreads(keep?: ThreadRecord): void {
    while (this.threads.size > this.limits.maxThreads) {
      const victim = this.oldestIdleThread((thread) => thread !== keep);
      if (!victim) return;
      this.removeThread(victim, 'evicted');
    }
  }

  /** Oldest finished turns first, then finished items of running turns, then idle threads without turns. */
  private enforceTotalBytes(): void {
    while (this.totalBytes > this.limits.maxTotalBytes) {
      const turn = this.finished.values().next().value;
      if (turn) {
        const thread = this.threads.get(turn.threadId);
        if (thread) this.evictTurn(thread, turn);
        else this.finished.delete(turn);
        continue;
      }
      const item = this.oldestFinishedItemOfRunningTurns();
      if (item) {
        this.evictItem(item.thread, item.turn, item.item);
        continue;
      }
      const thread = this.oldestIdleThread((t) => t.turns.size === 0);
      if (!thread) return;
      this.removeThread(thread, 'evicted');
    }
  }

  private oldestFinishedItemOfRunningTurns():
    | { thread: ThreadRecord; turn: TurnRecord; item: ItemRecord }
    | undefined {
    let best: { thread: ThreadRecord; turn: TurnRecord; item: ItemRecord } | undefined;
    for (const thread of this.threads.values()) {
      for (const turn of thread.turns.values()) {
        const item = firstWhere(turn.items.values(), (i) => i.finished);
        if (item && (!best || (item.completedAtMs ?? 0) < (best.item.completedAtMs ?? 0))) {
          best = { thread, turn, item };
        }
      }
    }
    return best;
  }

  private oldestIdleThread(accept: (thread: ThreadRecord) => boolean): ThreadRecord | undefined {
    const waiting = new Set([...this.pending.values()].map((r) => r.threadId));
    let oldest: ThreadRecord | undefined;
    for (const thread of this.threads.values()) {
      if (thread.busy || waiting.has(thread.id) || !accept(thread)) continue;
      if (!oldest || thread.updatedAtMs < oldest.updatedAtMs) oldest = thread;
    }
    return oldest;
  }

  private evictItem(thread: ThreadRecord, turn: TurnRecord, item: ItemRecord): void {
    turn.items.delete(item.id);
    turn.itemBytes -= item.bytes;
    thread.turnBytes -= item.bytes;
    this.totalBytes -= item.bytes;
    turn.evictedItems++;
    this.evicted.items++;
    this.emit({ type: 'item', threadId: thread.id, turnId: turn.id, itemId: item.id, reason: 'evicted' });
  }

  private evictTurn(thread: ThreadRecord, turn: TurnRecord): void {
    thread.turns.delete(turn.id);
    this.finished.delete(turn);
    thread.turnBytes -= turn.totalBytes;
    this.totalBytes -= turn.totalBytes;
    thread.evictedTurns++;
    this.evicted.turns++;
    this.emit({ type: 'turn', threadId: thread.id, turnId: turn.id, reason: 'evicted' });
  }

  private removeThread(thread: ThreadRecord, reason: 'evicted' | 'deleted', atMs?: number): void {
    this.threads.delete(thread.id);
    for (const turn of thread.turns.values()) this.finished.delete(turn);
    this.totalBytes -= thread.totalBytes;
    if (reason === 'evicted') this.evicted.threads++;
    this.emit({ type: 'thread', threadId: thread.id, reason }, atMs);
  }

  /** After a restore: the finished turns in the order they finished. */
  private reorderFinished(): void {
    const turns = [...this.finished].sort((a, b) => (a.completedAtMs ?? 0) - (b.completedAtMs ?? 0));
    this.finished.clear();
    for (const turn of turns) this.finished.add(turn);
  }

  private sortedThreads(): ThreadRecord[] {
    return [...this.threads.values()].sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  private emit(change: DistributiveOmit<StateChange, 'seq' | 'atMs'>, atMs: number = this.now()): void {
    this.seq++;
    this.emitter.emit(change.type, { ...change, seq: this.seq, atMs } as StateChange);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function firstWhere<T>(values: Iterable<T>, accept: (value: T) => boolean): T | undefined {
  for (const value of values) if (accept(value)) return value;
  return undefined;
}
