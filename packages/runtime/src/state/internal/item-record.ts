import type { FileUpdateChange, PatchChangeKind, ThreadItem } from '@codexus/protocol';
import { str } from '../../internal/wire.js';
import { capString, capText, MIN_CAPPED_BYTES, TextAccumulator } from '../capped-text.js';
import type { FileChangeView, ItemView, TurnStatusView } from '../state-view.js';
import { num, SMALL_STRING_BYTES } from './bounds.js';
import { changesBytes, ITEM_OVERHEAD, stringBytes } from './record-sizes.js';
import { type UncheckedVariants, unchecked, uncheckedVariants } from './unchecked.js';

/**
 * The mutable record of one item of a turn. It knows its own estimated serialized size (`bytes`) so
 * the retention ledger accounts and evicts in O(1); `view()` builds the plain JSON-safe object.
 */
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
  applyItem(item: UncheckedVariants<ThreadItem>, phase: 'started' | 'completed', atMs: number): void {
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
      const change = unchecked<FileUpdateChange>(raw);
      const kind = uncheckedVariants<PatchChangeKind>(change.kind);
      const view: FileChangeView = {
        path: capString(str(change.path) ?? '', SMALL_STRING_BYTES),
        kind: str(kind.type) ?? str(change.kind) ?? 'unknown',
        diff: capText(str(change.diff) ?? '', perFile),
      };
      const movePath = str(kind.move_path);
      if (movePath !== undefined) view.movePath = capString(movePath, SMALL_STRING_BYTES);
      return view;
    });
    this.droppedChanges = changes.length - kept.length;
    this.changesBytes = changesBytes(this.changes);
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
      record.changesBytes = changesBytes(view.changes);
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
