import type { ServerNotificationMap, ServerNotificationMethod } from '@codexus/protocol';
import {
  fieldsOf,
  isRecord,
  type PlanStep,
  str,
  type TokenUsage,
  type TurnError,
  type TurnItem,
} from './internal/wire.js';
import type { PromptRunEvent, PromptRunResult, TurnStatus } from './prompt-run-event.js';

/** What a handler of one notification method sees: its params, typed by the generated map. */
type Handler<M extends ServerNotificationMethod> = (
  turn: TurnAssembler,
  params: ServerNotificationMap[M]['params'],
) => PromptRunEvent[];

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

  /**
   * The notifications a turn is assembled from, keyed by method and checked against the generated
   * map: a renamed method or field is a compile error after `codegen generate`. Params are read
   * defensively still (the wire is not validated here).
   */
  private static readonly handlers = {
    'item/agentMessage/delta': (turn, p) => turn.onDelta('textDelta', p),
    'item/reasoning/summaryTextDelta': (turn, p) => turn.onDelta('reasoningDelta', p),
    'item/reasoning/textDelta': (turn, p) => turn.onDelta('reasoningDelta', p),
    'item/commandExecution/outputDelta': (turn, p) => turn.onDelta('commandOutputDelta', p),
    'turn/started': (turn) => [{ type: 'turnStarted', threadId: turn.threadId, turnId: turn.turnId }],
    'item/started': (turn, params) => turn.onItem('itemStarted', params.item),
    'item/completed': (turn, params) => turn.onItem('itemCompleted', params.item),
    'thread/tokenUsage/updated': (turn, params) => turn.onUsage(params.tokenUsage),
    'turn/diff/updated': (turn, params) => turn.onDiff(str(params.diff) ?? ''),
    'turn/plan/updated': (turn, params) => turn.onPlan(params.plan, params.explanation),
    error: (turn, params) => turn.onError(params.error, params.willRetry === true),
    'turn/completed': (turn, params) => turn.onCompleted(params.turn),
  } satisfies { [M in ServerNotificationMethod]?: Handler<M> };

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
    const handlers = TurnAssembler.handlers;
    if (!Object.hasOwn(handlers, method)) return [];
    const handler = handlers[method as keyof typeof handlers] as Handler<ServerNotificationMethod>;
    return handler(this, params as never);
  }

  private onDelta(
    type: 'textDelta' | 'reasoningDelta' | 'commandOutputDelta',
    params: { itemId: string; delta: string },
  ): PromptRunEvent[] {
    const itemId = str(params.itemId) ?? '';
    const text = str(params.delta) ?? '';
    if (type === 'textDelta') this.textDeltas.set(itemId, (this.textDeltas.get(itemId) ?? '') + text);
    return [{ type, itemId, delta: text }];
  }

  private onItem(type: 'itemStarted' | 'itemCompleted', value: unknown): PromptRunEvent[] {
    const item = asItem(value);
    if (!item) return [];
    this.items.set(item.id, item);
    if (type === 'itemCompleted' && item.type === 'agentMessage')
      this.lastAgentText = str(item.text) ?? this.textDeltas.get(item.id) ?? '';
    return [{ type, item }];
  }

  private onUsage(value: unknown): PromptRunEvent[] {
    if (!isRecord(value)) return [];
    this.usage = value as unknown as TokenUsage;
    return [{ type: 'tokenUsage', usage: this.usage }];
  }

  private onDiff(diff: string): PromptRunEvent[] {
    this.diff = diff;
    return [{ type: 'diffUpdated', diff }];
  }

  private onPlan(plan: unknown, explanation: string | null | undefined): PromptRunEvent[] {
    this.plan = Array.isArray(plan) ? (plan as PlanStep[]) : [];
    return [{ type: 'planUpdated', plan: this.plan, explanation }];
  }

  private onError(value: unknown, willRetry: boolean): PromptRunEvent[] {
    const error = asTurnError(value);
    this.lastError = error;
    return [{ type: 'error', error, willRetry }];
  }

  private onCompleted(value: unknown): PromptRunEvent[] {
    const turn = isRecord(value) ? value : {};
    const status = asStatus(turn.status);
    const error = isRecord(turn.error)
      ? asTurnError(turn.error)
      : status === 'failed'
        ? this.lastError
        : undefined;
    this.completion = error ? { status, error } : { status };
    return [{ type: 'turnCompleted', ...this.completion }];
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
  if (isRecord(value) && typeof value.message === 'string') return value as unknown as TurnError;
  const shown = JSON.stringify(value) ?? String(value);
  return {
    message: 'unknown error',
    codexErrorInfo: null,
    additionalDetails: `the server sent ${shown.slice(0, 500)}`,
  };
}

function asStatus(value: unknown): TurnStatus {
  return value === 'completed' || value === 'interrupted' || value === 'failed' ? value : 'failed';
}

const OPEN_STATUSES = new Set(['inProgress', 'in_progress', 'pending']);

function closeIfOpen(item: TurnItem, turnStatus: TurnStatus): TurnItem {
  const { status } = fieldsOf(item);
  if (typeof status !== 'string' || !OPEN_STATUSES.has(status)) return item;
  // The server may never complete an item of an interrupted turn; close it with a status it uses.
  return {
    ...item,
    status: turnStatus === 'completed' ? 'completed' : 'failed',
    closedByClient: true,
  } as TurnItem;
}
