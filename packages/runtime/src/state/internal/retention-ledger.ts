import type { RequestId } from '@codexus/core';
import type { RetentionLimits } from '../retention.js';
import type { PendingServerRequestView } from '../state-view.js';
import type { ChangeSink } from './change-sink.js';
import { ItemRecord } from './item-record.js';
import { ThreadRecord, TurnRecord } from './records.js';
import { requestKey } from './request-key.js';

export interface PendingRecord extends Omit<PendingServerRequestView, 'ageMs'> {
  bytes: number;
}

/**
 * Retention and byte accounting of the state: owns the records (threads → turns → items, pending
 * server requests), keeps `totalBytes` equal to the sum of their estimated sizes through every
 * change, and evicts past the {@link RetentionLimits} (oldest finished first; a running turn and its
 * thread never). Records are only added, resized and removed through it. Evictions are reported to
 * the sink; it knows nothing of the protocol.
 */
export class RetentionLedger {
  readonly threads = new Map<string, ThreadRecord>();
  readonly pending = new Map<string, PendingRecord>();
  readonly evicted = { threads: 0, turns: 0, items: 0 };
  /** Finished turns in the order they finished: the eviction order under byte pressure. */
  private readonly finished = new Set<TurnRecord>();
  private bytes = 0;

  constructor(
    readonly limits: Readonly<RetentionLimits>,
    private readonly emit: ChangeSink,
  ) {}

  /** Estimated serialized size of everything retained. */
  get totalBytes(): number {
    return this.bytes;
  }

  // ---- adding ----------------------------------------------------------------------------------

  /** The thread `id`, created when unknown; `updatedAtMs` moves forward. */
  ensureThread(id: string, atMs: number): ThreadRecord {
    const existing = this.threads.get(id);
    if (existing) {
      existing.updatedAtMs = Math.max(existing.updatedAtMs, atMs);
      return existing;
    }
    const thread = new ThreadRecord(id, atMs, atMs);
    this.threads.set(id, thread);
    this.bytes += thread.bytes;
    this.enforceThreads(thread);
    return thread;
  }

  addTurn(thread: ThreadRecord, turnId: string, atMs: number): TurnRecord {
    const turn = new TurnRecord(turnId, thread.id);
    turn.startedAtMs = atMs;
    thread.turns.set(turnId, turn);
    thread.turnBytes += turn.totalBytes;
    this.bytes += turn.totalBytes;
    this.enforceTurns(thread);
    return turn;
  }

  addItem(
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
    this.bytes += item.bytes;
    return item;
  }

  /** Adds a pending server request; false when one with that id is pending already. */
  addPending(record: PendingRecord): boolean {
    const key = requestKey(record.id);
    if (this.pending.has(key)) return false;
    this.pending.set(key, record);
    this.bytes += record.bytes;
    return true;
  }

  /**
   * Adopts a thread restored from a snapshot (measured by its records); its finished turns join the
   * eviction order. Then {@link settleAdopted} for each, and {@link settleRestored} once for all.
   */
  adoptThread(thread: ThreadRecord): void {
    this.threads.set(thread.id, thread);
    this.bytes += thread.totalBytes;
    for (const turn of thread.turns.values()) if (turn.finished) this.finished.add(turn);
  }

  /** The item and turn caps applied to an adopted thread. */
  settleAdopted(thread: ThreadRecord): void {
    for (const turn of [...thread.turns.values()]) this.enforceItems(thread, turn);
    this.enforceTurns(thread);
  }

  /** After a restore: the finished turns in the order they finished, then the thread and byte caps. */
  settleRestored(): void {
    const turns = [...this.finished].sort((a, b) => (a.completedAtMs ?? 0) - (b.completedAtMs ?? 0));
    this.finished.clear();
    for (const turn of turns) this.finished.add(turn);
    this.enforceThreads();
    this.enforceTotalBytes();
  }

  // ---- resizing --------------------------------------------------------------------------------

  /** Runs `mutate` on the thread's own fields and accounts the size change. */
  resize(thread: ThreadRecord, mutate: () => void): void {
    const before = thread.bytes;
    mutate();
    thread.measure();
    this.bytes += thread.bytes - before;
  }

  resizeTurn(thread: ThreadRecord, turn: TurnRecord, mutate: () => void): void {
    const before = turn.bytes;
    mutate();
    const delta = turn.bytes - before;
    thread.turnBytes += delta;
    this.bytes += delta;
  }

  resizeItem(thread: ThreadRecord, turn: TurnRecord, item: ItemRecord, mutate: () => void): void {
    const before = item.bytes;
    mutate();
    const delta = item.bytes - before;
    turn.itemBytes += delta;
    thread.turnBytes += delta;
    this.bytes += delta;
  }

  /** The turn finished: it becomes evictable, last in the byte-pressure order. */
  markFinished(turn: TurnRecord): void {
    this.finished.add(turn);
  }

  // ---- removing --------------------------------------------------------------------------------

  removePending(id: RequestId): PendingRecord | undefined {
    const key = requestKey(id);
    const record = this.pending.get(key);
    if (!record) return undefined;
    this.pending.delete(key);
    this.bytes -= record.bytes;
    return record;
  }

  removeThread(thread: ThreadRecord, reason: 'evicted' | 'deleted', atMs?: number): void {
    this.threads.delete(thread.id);
    for (const turn of thread.turns.values()) this.finished.delete(turn);
    this.bytes -= thread.totalBytes;
    if (reason === 'evicted') this.evicted.threads++;
    this.emit({ type: 'thread', threadId: thread.id, reason }, atMs);
  }

  // ---- retention -------------------------------------------------------------------------------

  enforceItems(thread: ThreadRecord, turn: TurnRecord): void {
    while (turn.items.size > this.limits.maxItemsPerTurn) {
      const victim = firstWhere(turn.items.values(), (item) => item.finished);
      if (!victim) return;
      this.evictItem(thread, turn, victim);
    }
  }

  enforceTurns(thread: ThreadRecord): void {
    while (thread.turns.size > this.limits.maxTurnsPerThread) {
      const victim = firstWhere(thread.turns.values(), (turn) => turn.finished);
      if (!victim) return;
      this.evictTurn(thread, victim);
    }
  }

  /** Oldest finished turns first, then finished items of running turns, then idle threads without turns. */
  enforceTotalBytes(): void {
    while (this.bytes > this.limits.maxTotalBytes) {
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

  private enforceThreads(keep?: ThreadRecord): void {
    while (this.threads.size > this.limits.maxThreads) {
      const victim = this.oldestIdleThread((thread) => thread !== keep);
      if (!victim) return;
      this.removeThread(victim, 'evicted');
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
      if (thread.running || waiting.has(thread.id) || !accept(thread)) continue;
      if (!oldest || thread.updatedAtMs < oldest.updatedAtMs) oldest = thread;
    }
    return oldest;
  }

  private evictItem(thread: ThreadRecord, turn: TurnRecord, item: ItemRecord): void {
    turn.items.delete(item.id);
    turn.itemBytes -= item.bytes;
    thread.turnBytes -= item.bytes;
    this.bytes -= item.bytes;
    turn.evictedItems++;
    this.evicted.items++;
    this.emit({ type: 'item', threadId: thread.id, turnId: turn.id, itemId: item.id, reason: 'evicted' });
  }

  private evictTurn(thread: ThreadRecord, turn: TurnRecord): void {
    thread.turns.delete(turn.id);
    this.finished.delete(turn);
    thread.turnBytes -= turn.totalBytes;
    this.bytes -= turn.totalBytes;
    thread.evictedTurns++;
    this.evicted.turns++;
    this.emit({ type: 'turn', threadId: thread.id, turnId: turn.id, reason: 'evicted' });
  }
}

function firstWhere<T>(values: Iterable<T>, accept: (value: T) => boolean): T | undefined {
  for (const value of values) if (accept(value)) return value;
  return undefined;
}
