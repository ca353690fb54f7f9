import {
  isRecord,
  type PlanStep,
  str,
  type TokenUsage,
  type TurnError,
  type TurnItem,
} from './internal/wire.js';
import type { PromptRunEvent, PromptRunResult, TurnStatus } from './prompt-run-event.js';

/** Delta notifications and the event type each becomes. */
const DELTA_EVENTS: Record<string, 'textDelta' | 'reasoningDelta' | 'commandOutputDelta'> = {
  'item/agentMessage/delta': 'textDelta',
  'item/reasoning/summaryTextDelta': 'reasoningDelta',
  'item/reasoning/textDelta': 'reasoningDelta',
  'item/commandExecution/outputDelta': 'commandOutputDelta',
};

/**
 * Pure turn assembly: feed it the notifications of one turn (in order) and it yields typed events and,
 * at the end, the result. Items are keyed by id; the completed item is authoritative; text comes from
 * the deltas when there were any, else from the completed item; open items are closed at the end.
 */
export class TurnAssembler {
  private readonly items = new Map<string, TurnItem>();
  private readonly textDeltas = new Map<string, string>();
  private lastAgentText = '';
  private usage: TokenUsage | undefined;
  private diff: string | undefined;
  private plan: PlanStep[] | undefined;
  private completion: { status: TurnStatus; error?: TurnError } | undefined;
  private lastError: TurnError | undefined;

  constructor(
    readonly threadId: string,
    readonly turnId: string,
    private readonly startedAtMs: number = Date.now(),
  ) {}

  get done(): boolean {
    return this.completion !== undefined;
  }

  /** The item with this id, as last seen. */
  item(id: string): TurnItem | undefined {
    return this.items.get(id);
  }

  /** Applies one notification; returns the events it produced (possibly none). */
  apply(method: string, params: unknown): PromptRunEvent[] {
    if (!isRecord(params) || this.done) return [];
    const delta = DELTA_EVENTS[method];
    if (delta) {
      const itemId = str(params.itemId) ?? '';
      const text = str(params.delta) ?? '';
      if (delta === 'textDelta') this.textDeltas.set(itemId, (this.textDeltas.get(itemId) ?? '') + text);
      return [{ type: delta, itemId, delta: text }];
    }
    switch (method) {
      case 'turn/started':
        return [{ type: 'turnStarted', threadId: this.threadId, turnId: this.turnId }];
      case 'item/started': {
        const item = asItem(params.item);
        if (!item) return [];
        this.items.set(item.id, item);
        return [{ type: 'itemStarted', item }];
      }
      case 'item/completed': {
        const item = asItem(params.item);
        if (!item) return [];
        this.items.set(item.id, item);
        if (item.type === 'agentMessage') {
          const completedText = str(item.text);
          this.lastAgentText = completedText ?? this.textDeltas.get(item.id) ?? '';
        }
        return [{ type: 'itemCompleted', item }];
      }
      case 'thread/tokenUsage/updated': {
        if (!isRecord(params.tokenUsage)) return [];
        this.usage = params.tokenUsage as unknown as TokenUsage;
        return [{ type: 'tokenUsage', usage: this.usage }];
      }
      case 'turn/diff/updated': {
        this.diff = str(params.diff) ?? '';
        return [{ type: 'diffUpdated', diff: this.diff }];
      }
      case 'turn/plan/updated': {
        this.plan = Array.isArray(params.plan) ? (params.plan as PlanStep[]) : [];
        const explanation = params.explanation as string | null | undefined;
        return [{ type: 'planUpdated', plan: this.plan, explanation }];
      }
      case 'error': {
        const error = asTurnError(params.error);
        this.lastError = error;
        return [{ type: 'error', error, willRetry: params.willRetry === true }];
      }
      case 'turn/completed': {
        const turn = isRecord(params.turn) ? params.turn : {};
        const status = asStatus(turn.status);
        const error = isRecord(turn.error)
          ? asTurnError(turn.error)
          : status === 'failed'
            ? this.lastError
            : undefined;
        this.completion = error ? { status, error } : { status };
        return [{ type: 'turnCompleted', ...this.completion }];
      }
      default:
        return [];
    }
  }

  /** Ends the turn from the client side (e.g. the connection died); only if the server did not. */
  forceComplete(status: TurnStatus, error?: TurnError): PromptRunEvent[] {
    if (this.done) return [];
    this.completion = error ? { status, error } : { status };
    return [{ type: 'turnCompleted', ...this.completion }];
  }

  /** The result so far (final once `done`). Items still open are reported closed by the client. */
  result(nowMs: number = Date.now()): PromptRunResult {
    const status = this.completion?.status ?? 'interrupted';
    const items = [...this.items.values()].map((item) => closeIfOpen(item, status));
    // Text of the last agent message: completed text wins; else deltas of the last message seen.
    let text = this.lastAgentText;
    if (!text) {
      for (const [id, deltaText] of this.textDeltas)
        if (this.items.get(id)?.type !== 'userMessage') text = deltaText;
    }
    const result: PromptRunResult = {
      threadId: this.threadId,
      turnId: this.turnId,
      status,
      text,
      items,
      durationMs: Math.max(0, nowMs - this.startedAtMs),
    };
    if (this.usage) result.usage = this.usage;
    if (this.diff !== undefined) result.diff = this.diff;
    if (this.plan) result.plan = this.plan;
    const error = this.completion?.error;
    if (error) result.error = error;
    return result;
  }
}

function asItem(value: unknown): TurnItem | undefined {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.type !== 'string') return undefined;
  return value as TurnItem;
}

function asTurnError(value: unknown): TurnError {
  if (isRecord(value) && typeof value.message === 'string') return value as TurnError;
  return { message: 'unknown error', codexErrorInfo: null, raw: value };
}

function asStatus(value: unknown): TurnStatus {
  return value === 'completed' || value === 'interrupted' || value === 'failed' ? value : 'failed';
}

const OPEN_STATUSES = new Set(['inProgress', 'in_progress', 'pending']);

function closeIfOpen(item: TurnItem, turnStatus: TurnStatus): TurnItem {
  if (typeof item.status !== 'string' || !OPEN_STATUSES.has(item.status)) return item;
  // The server may never complete an item of an interrupted turn; close it with a status it uses.
  return { ...item, status: turnStatus === 'completed' ? 'completed' : 'failed', closedByClient: true };
}
