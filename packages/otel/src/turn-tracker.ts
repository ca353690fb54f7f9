import {
  type Attributes,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { Instruments } from './instruments.js';
import { isRecord, num, type Rec, rec, str, tagOf } from './internal/wire-view.js';
import { ATTR, ERROR_TYPE, OPERATION } from './semconv.js';
import type { ResolvedTelemetryOptions } from './telemetry-options.js';
import { toolArguments, toolIdentity, toolOutcome, toolResult } from './tool-item.js';

interface ToolSpan {
  span: Span;
  startMs: number;
  metricAttributes: Attributes;
  /** An `item/started`/`item/completed` was seen (then the item, not the tool call answer, ends it). */
  itemSeen: boolean;
}

export interface TurnState {
  readonly span: Span;
  readonly threadId: string;
  turnId: string | undefined;
  readonly startMs: number;
  readonly model: string | undefined;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  cachedInputTokens: number | undefined;
  readonly tools: Map<string, ToolSpan>;
  readonly outputs: string[];
}

/**
 * One `invoke_agent` span per turn, with an `execute_tool` child per tool item. Turns are found by
 * turn id; a turn whose `turn/start` answer has not arrived yet is found by its thread.
 */
export class TurnTracker {
  private readonly byTurnId = new Map<string, TurnState>();
  private readonly unbound = new Map<string, TurnState[]>();
  private readonly threadModels = new Map<string, string>();

  constructor(
    private readonly options: ResolvedTelemetryOptions,
    private readonly instruments: Instruments,
  ) {}

  threadModel(threadId: string, model: string | undefined): void {
    if (model !== undefined) this.threadModels.set(threadId, model);
  }

  /** `turn/start` is being sent: the span starts now, as a child of the caller's active context. */
  start(params: Rec): TurnState {
    const threadId = str(params.threadId) ?? '';
    const model = str(params.model) ?? this.threadModels.get(threadId);
    const { agentName, providerName, captureContent } = this.options;
    const attributes: Attributes = {
      [ATTR.operationName]: OPERATION.invokeAgent,
      [ATTR.providerName]: providerName,
      [ATTR.agentName]: agentName,
      [ATTR.conversationId]: threadId,
    };
    if (model !== undefined) attributes[ATTR.requestModel] = model;
    if (captureContent) attributes[ATTR.inputMessages] = inputMessages(params.input);
    const span = this.options.tracer.startSpan(
      `${OPERATION.invokeAgent} ${agentName}`,
      { kind: SpanKind.CLIENT, attributes },
      context.active(),
    );
    const turn: TurnState = {
      span,
      threadId,
      turnId: undefined,
      startMs: Date.now(),
      model,
      inputTokens: undefined,
      outputTokens: undefined,
      cachedInputTokens: undefined,
      tools: new Map(),
      outputs: [],
    };
    const waiting = this.unbound.get(threadId) ?? [];
    waiting.push(turn);
    this.unbound.set(threadId, waiting);
    return turn;
  }

  bind(turn: TurnState, turnId: string | undefined): void {
    if (turnId === undefined || turn.turnId !== undefined) return;
    turn.turnId = turnId;
    turn.span.setAttribute(ATTR.turnId, turnId);
    this.byTurnId.set(turnId, turn);
    const waiting = this.unbound.get(turn.threadId);
    const at = waiting?.indexOf(turn) ?? -1;
    if (waiting && at >= 0) waiting.splice(at, 1);
    if (waiting?.length === 0) this.unbound.delete(turn.threadId);
  }

  find(threadId: string | undefined, turnId: string | undefined): TurnState | undefined {
    if (turnId === undefined) return undefined;
    const known = this.byTurnId.get(turnId);
    if (known || threadId === undefined) return known;
    const waiting = this.unbound.get(threadId)?.[0];
    if (waiting) this.bind(waiting, turnId);
    return waiting;
  }

  /** `turn/start` was refused: the span ends in error. */
  refused(turn: TurnState, error: Rec): void {
    this.forget(turn);
    const code = num(error.code);
    this.finish(turn, 'failed', str(error.message), code === undefined ? ERROR_TYPE.rpc : String(code));
  }

  itemStarted(turn: TurnState, item: Rec): void {
    const id = str(item.id);
    if (id !== undefined && !turn.tools.has(id)) this.openTool(turn, id, item);
    const tool = id === undefined ? undefined : turn.tools.get(id);
    if (tool) tool.itemSeen = true;
  }

  itemCompleted(turn: TurnState, item: Rec): void {
    if (item.type === 'agentMessage' && this.options.captureContent) {
      const text = str(item.text);
      if (text !== undefined) turn.outputs.push(text);
    }
    const id = str(item.id);
    if (id === undefined) return;
    const tool = turn.tools.get(id) ?? this.openTool(turn, id, item);
    if (!tool) return;
    const outcome = toolOutcome(item);
    tool.span.setAttributes(outcome.attributes);
    if (this.options.captureContent) {
      const result = toolResult(item);
      if (result !== undefined) tool.span.setAttribute(ATTR.toolCallResult, result);
    }
    this.closeTool(turn, id, outcome.failed ? ERROR_TYPE.toolFailed : undefined);
  }

  /** `item/tool/call`: an in-process tool of the client runs (a span unless its item already opened one). */
  toolRequested(turn: TurnState, callId: string, params: Rec): void {
    if (turn.tools.has(callId)) return;
    this.openTool(turn, callId, {
      type: 'dynamicToolCall',
      id: callId,
      tool: params.tool,
      arguments: params.arguments,
    });
  }

  /** The client answered `item/tool/call`. Ends the span unless codex's item will. */
  toolAnswered(turn: TurnState, callId: string, result: Rec | undefined): void {
    const tool = turn.tools.get(callId);
    if (!tool) return;
    const failed = result === undefined || result.success === false;
    tool.span.setAttribute(ATTR.toolStatus, failed ? 'failed' : 'completed');
    if (!tool.itemSeen) this.closeTool(turn, callId, failed ? ERROR_TYPE.toolFailed : undefined);
  }

  usage(turn: TurnState, tokenUsage: Rec): void {
    const last = rec(tokenUsage.last);
    const add = (now: number | undefined, more: unknown): number | undefined => {
      const n = num(more);
      return n === undefined ? now : (now ?? 0) + n;
    };
    turn.inputTokens = add(turn.inputTokens, last.inputTokens);
    turn.outputTokens = add(turn.outputTokens, last.outputTokens);
    turn.cachedInputTokens = add(turn.cachedInputTokens, last.cachedInputTokens);
  }

  /** `turn/completed`: status, error, usage; open tool spans end with the turn. */
  completed(turn: TurnState, completed: Rec): void {
    this.forget(turn);
    const status = str(completed.status) ?? 'completed';
    const error = isRecord(completed.error) ? completed.error : undefined;
    const errorType = status === 'failed' ? (tagOf(error?.codexErrorInfo) ?? ERROR_TYPE.other) : undefined;
    this.finish(turn, status, str(error?.message), errorType);
  }

  /** The connection is gone: every open turn ends in error. */
  closeAll(reason: string): void {
    const turns = new Set([...this.byTurnId.values(), ...[...this.unbound.values()].flat()]);
    for (const turn of turns) {
      this.forget(turn);
      this.finish(turn, 'failed', reason, ERROR_TYPE.connectionClosed);
    }
  }

  private finish(turn: TurnState, status: string, message: string | undefined, errorType?: string): void {
    for (const id of [...turn.tools.keys()]) {
      turn.tools.get(id)?.span.setAttribute(ATTR.toolStatus, status === 'failed' ? 'failed' : status);
      this.closeTool(turn, id, status === 'failed' ? errorType : undefined);
    }
    const { span } = turn;
    span.setAttribute(ATTR.turnStatus, status);
    if (turn.inputTokens !== undefined) span.setAttribute(ATTR.inputTokens, turn.inputTokens);
    if (turn.outputTokens !== undefined) span.setAttribute(ATTR.outputTokens, turn.outputTokens);
    if (turn.cachedInputTokens !== undefined)
      span.setAttribute(ATTR.cacheReadInputTokens, turn.cachedInputTokens);
    if (this.options.captureContent && turn.outputs.length > 0)
      span.setAttribute(ATTR.outputMessages, outputMessages(turn.outputs, status));
    const metricAttributes: Attributes = {
      [ATTR.operationName]: OPERATION.invokeAgent,
      [ATTR.providerName]: this.options.providerName,
    };
    if (turn.model !== undefined) metricAttributes[ATTR.requestModel] = turn.model;
    if (errorType !== undefined) {
      span.setAttribute(ATTR.errorType, errorType);
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      metricAttributes[ATTR.errorType] = errorType;
    }
    span.end();
    this.instruments.turn(Date.now() - turn.startMs, metricAttributes, {
      input: turn.inputTokens,
      output: turn.outputTokens,
    });
  }

  private openTool(turn: TurnState, id: string, item: Rec): ToolSpan | undefined {
    const identity = toolIdentity(item);
    if (!identity) return undefined;
    const attributes: Attributes = {
      [ATTR.operationName]: OPERATION.executeTool,
      [ATTR.toolName]: identity.name,
      [ATTR.toolCallId]: id,
      [ATTR.toolType]: identity.type,
      ...identity.attributes,
    };
    if (this.options.captureContent) {
      const args = toolArguments(item);
      if (args !== undefined) attributes[ATTR.toolCallArguments] = args;
    }
    const span = this.options.tracer.startSpan(
      `${OPERATION.executeTool} ${identity.name}`,
      { kind: SpanKind.INTERNAL, attributes },
      trace.setSpan(ROOT_CONTEXT, turn.span),
    );
    const tool: ToolSpan = {
      span,
      startMs: Date.now(),
      itemSeen: false,
      metricAttributes: {
        [ATTR.operationName]: OPERATION.executeTool,
        [ATTR.providerName]: this.options.providerName,
        [ATTR.toolName]: identity.name,
        [ATTR.toolType]: identity.type,
      },
    };
    turn.tools.set(id, tool);
    return tool;
  }

  private closeTool(turn: TurnState, id: string, errorType: string | undefined): void {
    const tool = turn.tools.get(id);
    if (!tool) return;
    turn.tools.delete(id);
    const metricAttributes = { ...tool.metricAttributes };
    if (errorType !== undefined) {
      tool.span.setAttribute(ATTR.errorType, errorType);
      tool.span.setStatus({ code: SpanStatusCode.ERROR });
      metricAttributes[ATTR.errorType] = errorType;
    }
    tool.span.end();
    this.instruments.tool(Date.now() - tool.startMs, metricAttributes);
  }

  private forget(turn: TurnState): void {
    if (turn.turnId !== undefined) this.byTurnId.delete(turn.turnId);
    const waiting = this.unbound.get(turn.threadId);
    const at = waiting?.indexOf(turn) ?? -1;
    if (waiting && at >= 0) waiting.splice(at, 1);
    if (waiting?.length === 0) this.unbound.delete(turn.threadId);
  }
}

/** `gen_ai.input.messages` (semconv JSON form) of `turn/start`'s input items. */
function inputMessages(input: unknown): string {
  const parts = (Array.isArray(input) ? input : []).map((item) => {
    const i = rec(item);
    return i.type === 'text'
      ? { type: 'text', content: str(i.text) ?? '' }
      : { type: str(i.type) ?? 'unknown' };
  });
  return JSON.stringify([{ role: 'user', parts }]);
}

/** `gen_ai.output.messages` (semconv JSON form) of the turn's agent messages. */
function outputMessages(texts: string[], status: string): string {
  return JSON.stringify(
    texts.map((content) => ({
      role: 'assistant',
      parts: [{ type: 'text', content }],
      finish_reason: status,
    })),
  );
}
