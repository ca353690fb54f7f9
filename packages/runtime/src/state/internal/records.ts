/**
 * The mutable records of threads and turns behind the state view. Each knows its own estimated
 * serialized size (`bytes`, children excluded) so the retention ledger accounts and evicts in O(1);
 * `view()` builds the plain JSON-safe object. Items: `item-record.ts`.
 */
import type { TokenUsage } from '../../internal/wire.js';
import type { CappedText } from '../capped-text.js';
import type {
  PlanView,
  ThreadStatusType,
  ThreadView,
  TurnErrorView,
  TurnStatusView,
  TurnView,
} from '../state-view.js';
import { ItemRecord } from './item-record.js';
import { cappedBytes, jsonBytes, stringBytes, THREAD_OVERHEAD, TURN_OVERHEAD } from './record-sizes.js';

/** How a turn ended: by `turn/completed` (server) or closed by the projection (client). */
export interface TurnEnding {
  status: TurnStatusView;
  endedBy: 'server' | 'client';
  atMs: number;
  error: TurnErrorView | null;
  /** The server's duration when it gave one; else completed minus started. */
  durationMs?: number;
}

export class TurnRecord {
  status: TurnStatusView = 'inProgress';
  error: TurnErrorView | null = null;
  /** The last `error` notification that will not be retried; becomes `error` if the turn fails. */
  pendingError: TurnErrorView | null = null;
  endedBy: 'server' | 'client' | null = null;
  startedAtMs: number | null = null;
  completedAtMs: number | null = null;
  durationMs: number | null = null;
  readonly items = new Map<string, ItemRecord>();
  evictedItems = 0;
  /** Own bytes (items excluded). */
  bytes = 0;
  /** Sum of the items' bytes. */
  itemBytes = 0;

  constructor(
    readonly id: string,
    readonly threadId: string,
  ) {
    this.measure();
  }

  get finished(): boolean {
    return this.status !== 'inProgress';
  }

  get totalBytes(): number {
    return this.bytes + this.itemBytes;
  }

  finish({ status, endedBy, atMs, error, durationMs }: TurnEnding): void {
    this.status = status;
    this.endedBy = endedBy;
    this.completedAtMs = atMs;
    this.error = error;
    this.pendingError = null;
    this.durationMs = durationMs ?? (this.startedAtMs === null ? null : Math.max(0, atMs - this.startedAtMs));
    this.measure();
  }

  measure(): void {
    this.bytes = TURN_OVERHEAD + this.id.length + this.threadId.length + jsonBytes(this.error);
  }

  view(): TurnView {
    return {
      id: this.id,
      threadId: this.threadId,
      status: this.status,
      error: this.error,
      endedBy: this.endedBy,
      startedAtMs: this.startedAtMs,
      completedAtMs: this.completedAtMs,
      durationMs: this.durationMs,
      items: [...this.items.values()].map((item) => item.view()),
      evictedItems: this.evictedItems,
    };
  }

  static fromView(view: TurnView, maxBytes: number): TurnRecord {
    const record = new TurnRecord(view.id, view.threadId);
    record.status = view.status;
    record.error = view.error;
    record.endedBy = view.endedBy;
    record.startedAtMs = view.startedAtMs;
    record.completedAtMs = view.completedAtMs;
    record.durationMs = view.durationMs;
    record.evictedItems = view.evictedItems;
    for (const itemView of view.items) {
      const item = ItemRecord.fromView(itemView, maxBytes);
      record.items.set(item.id, item);
      record.itemBytes += item.bytes;
    }
    record.measure();
    return record;
  }
}

export class ThreadRecord {
  status: ThreadStatusType = 'idle';
  activeFlags: string[] = [];
  activeTurnId: string | null = null;
  name: string | null = null;
  cwd: string | null = null;
  model: string | null = null;
  archived = false;
  private diffValue: { turnId: string | null; diff: CappedText } | null = null;
  private planValue: PlanView | null = null;
  private usageValue: TokenUsage | null = null;
  /** Sizes of the three values above, measured once when they are set. */
  private readonly valueBytes = { diff: 0, plan: 0, usage: 0 };
  readonly turns = new Map<string, TurnRecord>();
  evictedTurns = 0;
  /** Own bytes (turns excluded). */
  bytes = 0;
  /** Sum of the turns' total bytes. */
  turnBytes = 0;

  constructor(
    readonly id: string,
    public createdAtMs: number,
    public updatedAtMs: number,
  ) {
    this.measure();
  }

  get lastDiff(): { turnId: string | null; diff: CappedText } | null {
    return this.diffValue;
  }

  set lastDiff(value: { turnId: string | null; diff: CappedText } | null) {
    this.diffValue = value;
    this.valueBytes.diff = value ? cappedBytes(value.diff) + 60 : 0;
  }

  get lastPlan(): PlanView | null {
    return this.planValue;
  }

  set lastPlan(value: PlanView | null) {
    this.planValue = value;
    this.valueBytes.plan = value ? jsonBytes(value) : 0;
  }

  get tokenUsage(): TokenUsage | null {
    return this.usageValue;
  }

  set tokenUsage(value: TokenUsage | null) {
    this.usageValue = value;
    this.valueBytes.usage = value ? jsonBytes(value) : 0;
  }

  /** True while a turn of this thread runs: such a thread is never evicted. */
  get running(): boolean {
    for (const turn of this.turns.values()) if (!turn.finished) return true;
    return false;
  }

  get totalBytes(): number {
    return this.bytes + this.turnBytes;
  }

  measure(): void {
    this.bytes =
      THREAD_OVERHEAD +
      this.id.length +
      jsonBytes(this.activeFlags) +
      stringBytes(this.name) +
      stringBytes(this.cwd) +
      stringBytes(this.model) +
      this.valueBytes.diff +
      this.valueBytes.plan +
      this.valueBytes.usage;
  }

  view(): ThreadView {
    return {
      id: this.id,
      status: this.status,
      activeFlags: [...this.activeFlags],
      activeTurnId: this.activeTurnId,
      name: this.name,
      cwd: this.cwd,
      model: this.model,
      archived: this.archived,
      lastDiff: this.lastDiff ? { turnId: this.lastDiff.turnId, diff: { ...this.lastDiff.diff } } : null,
      lastPlan: this.lastPlan ? structuredClone(this.lastPlan) : null,
      tokenUsage: this.tokenUsage ? structuredClone(this.tokenUsage) : null,
      turns: [...this.turns.values()].map((turn) => turn.view()),
      evictedTurns: this.evictedTurns,
      createdAtMs: this.createdAtMs,
      updatedAtMs: this.updatedAtMs,
    };
  }

  static fromView(view: ThreadView, maxBytes: number): ThreadRecord {
    const record = new ThreadRecord(view.id, view.createdAtMs, view.updatedAtMs);
    record.status = view.status;
    record.activeFlags = [...view.activeFlags];
    record.activeTurnId = view.activeTurnId;
    record.name = view.name;
    record.cwd = view.cwd;
    record.model = view.model;
    record.archived = view.archived;
    record.lastDiff = view.lastDiff;
    record.lastPlan = view.lastPlan;
    record.tokenUsage = view.tokenUsage;
    record.evictedTurns = view.evictedTurns;
    for (const turnView of view.turns) {
      const turn = TurnRecord.fromView(turnView, maxBytes);
      record.turns.set(turn.id, turn);
      record.turnBytes += turn.totalBytes;
    }
    record.measure();
    return record;
  }
}
