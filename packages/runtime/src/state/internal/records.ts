/**
 * The mutable records behind the state view: one per thread, turn and item. Each knows its own
 * estimated serialized size (`bytes`, children excluded) so the projection can account and evict in
 * O(1); `view()` builds the plain JSON-safe object.
 */
import {
  isRecord,
  type PlanStep,
  str,
  type TokenUsage,
  type TokenUsageBreakdown,
} from '../../internal/wire.js';
import {
  type CappedText,
  capString,
  capText,
  jsonStringBytes,
  MIN_CAPPED_BYTES,
  TextAccumulator,
} from '../capped-text.js';
import type {
  FileChangeView,
  ItemView,
  PlanView,
  ThreadStatusType,
  ThreadView,
  TurnErrorView,
  TurnStatusView,
  TurnView,
} from '../state-view.js';

/** Rough JSON overhead of a record's keys and punctuation. */
const ITEM_OVERHEAD = 160;
const TURN_OVERHEAD = 260;
const THREAD_OVERHEAD = 420;
const CHANGE_OVERHEAD = 80;
/** Cap of small scalar strings (names, paths, error details codes). */
const SMALL_STRING_BYTES = 1_024;

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function jsonBytes(value: unknown): number {
  return value === null || value === undefined ? 4 : Buffer.byteLength(JSON.stringify(value), 'utf8');
}

function cappedBytes(capped: CappedText | undefined): number {
  return capped ? jsonStringBytes(capped.text) + 40 : 0;
}

function stringBytes(text: string | null | undefined): number {
  return text === null || text === undefined ? 4 : jsonStringBytes(text);
}

export class ItemRecord {
  status = 'inProgress';
  startedAtMs: number | null = null;
  completedAtMs: number | null = null;
  text: TextAccumulator | undefined;
  output: TextAccumulator | undefined;
  command: string | undefined;
  /** mcpToolCall / dynamicToolCall: `server/tool`, `namespace/tool` or `tool`. */
  tool: string | undefined;
  exitCode: number | null | undefined;
  durationMs: number | null | undefined;
  changes: FileChangeView[] | undefined;
  droppedChanges = 0;
  closedByClient = false;
  bytes = 0;
  private changesBytes = 0;
  private commandBytes = 0;

  constructor(
    readonly id: string,
    public type: string,
    private readonly maxBytes: number,
  ) {
    this.measure();
  }

  get finished(): boolean {
    return this.status !== 'inProgress';
  }

  /** Applies the item of `item/started` or `item/completed` (the completed one is authoritative). */
  applyItem(item: Record<string, unknown>, phase: 'started' | 'completed', atMs: number): void {
    this.type = str(item.type) ?? this.type;
    this.status = str(item.status) ?? (phase === 'started' ? 'inProgress' : 'completed');
    if (phase === 'started') this.startedAtMs ??= atMs;
    else this.completedAtMs = atMs;
    switch (this.type) {
      case 'agentMessage':
      case 'plan':
        this.setText(str(item.text), phase);
        break;
      case 'reasoning': {
        const summary = Array.isArray(item.summary) ? item.summary.filter((s) => typeof s === 'string') : [];
        this.setText(summary.length > 0 ? summary.join('\n\n') : undefined, phase);
        break;
      }
      case 'commandExecution': {
        const command = str(item.command);
        if (command !== undefined) this.setCommand(capString(command, this.maxBytes));
        if ('exitCode' in item) this.exitCode = num(item.exitCode) ?? null;
        if ('durationMs' in item) this.durationMs = num(item.durationMs) ?? null;
        const output = str(item.aggregatedOutput);
        if (output !== undefined) this.accumulator('output').replace(output);
        break;
      }
      case 'fileChange':
        if (Array.isArray(item.changes)) this.setChanges(item.changes);
        break;
      case 'mcpToolCall':
      case 'dynamicToolCall': {
        const name = str(item.tool);
        const scope = str(item.server) ?? str(item.namespace);
        if (name !== undefined) this.tool = capString(scope ? `${scope}/${name}` : name, this.maxBytes);
        if ('durationMs' in item) this.durationMs = num(item.durationMs) ?? null;
        break;
      }
    }
    this.measure();
  }

  appendText(delta: string): void {
    this.accumulator('text').append(delta);
    this.measure();
  }

  appendOutput(delta: string): void {
    this.accumulator('output').append(delta);
    this.measure();
  }

  /** `item/fileChange/patchUpdated` and `fileChange` items: the file list, each diff capped. */
  setChanges(changes: readonly unknown[]): void {
    const maxFiles = Math.max(1, Math.floor(this.maxBytes / MIN_CAPPED_BYTES));
    const kept = changes.slice(0, maxFiles);
    const perFile = Math.max(MIN_CAPPED_BYTES, Math.floor(this.maxBytes / Math.max(1, kept.length)));
    this.changes = kept.map((raw) => {
      const change = isRecord(raw) ? raw : {};
      const kind = isRecord(change.kind) ? change.kind : {};
      const view: FileChangeView = {
        path: capString(str(change.path) ?? '', SMALL_STRING_BYTES),
        kind: str(kind.type) ?? str(change.kind) ?? 'unknown',
        diff: capText(str(change.diff) ?? '', perFile),
      };
      const movePath = str(kind.move_path) ?? str(kind.movePath);
      if (movePath !== undefined) view.movePath = capString(movePath, SMALL_STRING_BYTES);
      return view;
    });
    this.droppedChanges = changes.length - kept.length;
    this.changesBytes = this.changes.reduce(
      (sum, c) => sum + CHANGE_OVERHEAD + stringBytes(c.path) + c.kind.length + cappedBytes(c.diff),
      0,
    );
    this.measure();
  }

  /** The turn ended while this item was open: close it the way the server would have. */
  closeByClient(turnStatus: TurnStatusView, atMs: number): void {
    if (this.finished) return;
    this.status = turnStatus === 'completed' ? 'completed' : 'failed';
    this.completedAtMs = atMs;
    this.closedByClient = true;
    this.measure();
  }

  view(): ItemView {
    const view: ItemView = {
      id: this.id,
      type: this.type,
      status: this.status,
      startedAtMs: this.startedAtMs,
      completedAtMs: this.completedAtMs,
    };
    if (this.text) view.text = this.text.view();
    if (this.output) view.output = this.output.view();
    if (this.command !== undefined) view.command = this.command;
    if (this.tool !== undefined) view.tool = this.tool;
    if (this.exitCode !== undefined) view.exitCode = this.exitCode;
    if (this.durationMs !== undefined) view.durationMs = this.durationMs;
    if (this.changes) view.changes = this.changes.map((c) => ({ ...c, diff: { ...c.diff } }));
    if (this.droppedChanges > 0) view.droppedChanges = this.droppedChanges;
    if (this.closedByClient) view.closedByClient = true;
    return view;
  }

  static fromView(view: ItemView, maxBytes: number): ItemRecord {
    const record = new ItemRecord(view.id, view.type, maxBytes);
    record.status = view.status ?? 'completed';
    record.startedAtMs = view.startedAtMs;
    record.completedAtMs = view.completedAtMs;
    if (view.text) record.text = TextAccumulator.from(view.text, maxBytes);
    if (view.output) record.output = TextAccumulator.from(view.output, maxBytes);
    if (view.command !== undefined) record.setCommand(view.command);
    if (view.tool !== undefined) record.tool = view.tool;
    record.exitCode = view.exitCode;
    record.durationMs = view.durationMs;
    if (view.changes) {
      record.changes = view.changes;
      record.changesBytes = view.changes.reduce(
        (sum, c) => sum + CHANGE_OVERHEAD + stringBytes(c.path) + c.kind.length + cappedBytes(c.diff),
        0,
      );
    }
    record.droppedChanges = view.droppedChanges ?? 0;
    record.closedByClient = view.closedByClient === true;
    record.measure();
    return record;
  }

  /** Bytes dropped behind truncation markers in this item. */
  truncatedBytes(): number {
    let dropped = (this.text?.droppedBytes ?? 0) + (this.output?.droppedBytes ?? 0);
    for (const change of this.changes ?? []) dropped += change.diff.droppedBytes;
    return dropped;
  }

  private setCommand(command: string): void {
    this.command = command;
    this.commandBytes = stringBytes(command);
  }

  private setText(text: string | undefined, phase: 'started' | 'completed'): void {
    if (text === undefined) return;
    // The completed text is authoritative; a started item's text only seeds an empty field.
    if (phase === 'completed' ? text.length > 0 || !this.text : !this.text?.bytes) {
      this.accumulator('text').replace(text);
    }
  }

  private accumulator(field: 'text' | 'output'): TextAccumulator {
    const existing = this[field];
    if (existing) return existing;
    const created = new TextAccumulator(this.maxBytes);
    this[field] = created;
    return created;
  }

  private measure(): void {
    this.bytes =
      ITEM_OVERHEAD +
      this.id.length +
      this.type.length +
      this.status.length +
      (this.text ? this.text.jsonBytes + 40 : 0) +
      (this.output ? this.output.jsonBytes + 40 : 0) +
      this.commandBytes +
      (this.tool === undefined ? 0 : stringBytes(this.tool)) +
      this.changesBytes;
  }
}

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
  get busy(): boolean {
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

/** A server `TurnError` with its strings capped. */
export function boundTurnError(raw: unknown, maxBytes: number): TurnErrorView {
  const error = isRecord(raw) ? raw : {};
  const info = error.codexErrorInfo ?? null;
  const details = str(error.additionalDetails);
  return {
    message: capString(str(error.message) ?? 'unknown error', maxBytes),
    codexErrorInfo:
      jsonBytes(info) <= SMALL_STRING_BYTES ? info : capString(JSON.stringify(info), SMALL_STRING_BYTES),
    additionalDetails: details === undefined ? null : capString(details, maxBytes),
  };
}

/** `turn/plan/updated` within `maxBytes`: steps past the budget are counted, not kept. */
export function boundPlan(params: Record<string, unknown>, maxBytes: number): PlanView {
  const explanation = str(params.explanation);
  const raw = Array.isArray(params.plan) ? params.plan : [];
  const steps: PlanStep[] = [];
  let budget = maxBytes - (explanation?.length ?? 0);
  for (const entry of raw) {
    const step = isRecord(entry) ? entry : {};
    const kept: PlanStep = {
      step: capString(str(step.step) ?? '', SMALL_STRING_BYTES),
      status: str(step.status) ?? 'pending',
    };
    budget -= kept.step.length + kept.status.length + 30;
    if (budget < 0) break;
    steps.push(kept);
  }
  return {
    turnId: str(params.turnId) ?? null,
    explanation: explanation === undefined ? null : capString(explanation, maxBytes),
    steps,
    droppedSteps: raw.length - steps.length,
  };
}

/** `ThreadTokenUsage` reduced to its numbers (so its size is bounded). */
export function boundTokenUsage(raw: unknown): TokenUsage | null {
  if (!isRecord(raw)) return null;
  const breakdown = (value: unknown): TokenUsageBreakdown => {
    const b = isRecord(value) ? value : {};
    const out: TokenUsageBreakdown = {
      inputTokens: num(b.inputTokens) ?? 0,
      cachedInputTokens: num(b.cachedInputTokens) ?? 0,
      outputTokens: num(b.outputTokens) ?? 0,
      reasoningOutputTokens: num(b.reasoningOutputTokens) ?? 0,
      totalTokens: num(b.totalTokens) ?? 0,
    };
    const cacheWrite = num(b.cacheWriteInputTokens);
    if (cacheWrite !== undefined) out.cacheWriteInputTokens = cacheWrite;
    return out;
  };
  return {
    total: breakdown(raw.total),
    last: breakdown(raw.last),
    modelContextWindow: num(raw.modelContextWindow) ?? null,
  };
}

/** Small strings (names, paths) as the state keeps them. */
export function boundSmall(value: unknown): string | null {
  const text = str(value);
  return text === undefined ? null : capString(text, SMALL_STRING_BYTES);
}
