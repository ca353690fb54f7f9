import { type Attributes, context, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { approvalKind } from './approval-kind.js';
import { skippable } from './inbound-filter.js';
import type { Instruments } from './instruments.js';
import { idKey, isRecord, parseMessage, type Rec, rec, str, tagOf } from './internal/wire-view.js';
import { ATTR, ERROR_TYPE, EVENT } from './semconv.js';
import type { ResolvedTelemetryOptions } from './telemetry-options.js';
import { traceContextOf, withTraceMember } from './trace-context.js';
import { type TurnState, TurnTracker } from './turn-tracker.js';

const THREAD_METHODS = new Set(['thread/start', 'thread/resume', 'thread/fork']);

interface PendingRequest {
  method: string;
  span?: Span;
  turn?: TurnState;
}

interface PendingServerRequest {
  method: string;
  kind: string | undefined;
  receivedMs: number;
  turn: TurnState | undefined;
  itemId: string | undefined;
}

/**
 * Turns the JSON-RPC lines of one connection into spans: `connect` (transport start + `initialize`),
 * `thread/*` request spans, and the turn tracker's `invoke_agent`/`execute_tool` tree with approval
 * events. Outgoing thread and turn requests get the W3C trace context as their `trace` member.
 */
export class WireObserver {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly serverRequests = new Map<string, PendingServerRequest>();
  private readonly turns: TurnTracker;
  private connectSpan: Span | undefined;
  /** The connect span was started (it may have ended since): there is one per connection. */
  private connectSeen = false;

  constructor(
    private readonly options: ResolvedTelemetryOptions,
    instruments: Instruments,
    /** `codexus.transport.kind`; `undefined` when the transport could not be made. */
    private readonly transportKind: string | undefined,
  ) {
    this.turns = new TurnTracker(options, instruments);
  }

  connectStarted(): void {
    this.connectSeen = true;
    const attributes: Attributes = {};
    if (this.transportKind !== undefined) attributes[ATTR.transportKind] = this.transportKind;
    this.connectSpan = this.options.tracer.startSpan(
      'connect codex',
      { kind: SpanKind.CLIENT, attributes },
      context.active(),
    );
  }

  /** The transport could not start, or could not even be made (then the span starts and ends here). */
  connectFailed(error: unknown): void {
    if (!this.connectSeen) this.connectStarted();
    this.endConnect(errorTypeOf(error), error instanceof Error ? error.message : String(error));
  }

  /** An outgoing line; returns the text to send (with a `trace` member for thread and turn requests). */
  outbound(text: string): string {
    const message = parseMessage(text);
    if (!message) return text;
    const method = str(message.method);
    const id = idKey(message.id);
    if (id === undefined) return text;
    if (method === undefined) {
      this.answered(id, message);
      return text;
    }
    return this.request(id, method, rec(message.params), text);
  }

  inbound(text: string): void {
    if (skippable(text, this.options.captureContent)) return;
    const message = parseMessage(text);
    if (!message) return;
    const method = str(message.method);
    const id = idKey(message.id);
    if (method !== undefined && id !== undefined) this.serverRequest(id, method, rec(message.params));
    else if (method !== undefined) this.notification(method, rec(message.params));
    else if (id !== undefined) this.response(id, message);
  }

  /** The transport closed: every span still open ends in error (`connection_closed`). */
  closed(reason: string): void {
    this.endConnect(ERROR_TYPE.connectionClosed, reason);
    for (const { span } of this.pending.values()) {
      if (!span) continue;
      span.setAttribute(ATTR.errorType, ERROR_TYPE.connectionClosed);
      span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
      span.end();
    }
    this.pending.clear();
    this.serverRequests.clear();
    this.turns.closeAll(reason);
  }

  private request(id: string, method: string, params: Rec, text: string): string {
    if (method === 'initialize') {
      if (!this.connectSeen) this.connectStarted();
      this.pending.set(id, { method });
      return text;
    }
    let span: Span | undefined;
    if (method === 'turn/start') {
      const turn = this.turns.start(params);
      this.pending.set(id, { method, turn });
      span = turn.span;
    } else if (THREAD_METHODS.has(method)) {
      const attributes: Attributes = { [ATTR.rpcSystem]: 'jsonrpc', [ATTR.rpcMethod]: method };
      const threadId = str(params.threadId);
      if (threadId !== undefined) attributes[ATTR.conversationId] = threadId;
      span = this.options.tracer.startSpan(method, { kind: SpanKind.CLIENT, attributes }, context.active());
      this.pending.set(id, { method, span });
    }
    if (!span || !this.options.propagate) return text;
    return withTraceMember(text, traceContextOf(span.spanContext()));
  }

  private response(id: string, message: Rec): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    const error = isRecord(message.error) ? message.error : undefined;
    const result = rec(message.result);
    if (pending.method === 'initialize') {
      const userAgent = str(result.userAgent);
      if (userAgent !== undefined) {
        this.connectSpan?.setAttribute(ATTR.serverUserAgent, userAgent);
        const version = /\/(\d+\.\d+\.\d+[^\s]*)/.exec(userAgent)?.[1];
        if (version !== undefined) this.connectSpan?.setAttribute(ATTR.serverVersion, version);
      }
      this.endConnect(error ? String(error.code ?? ERROR_TYPE.rpc) : undefined, str(error?.message));
    } else if (pending.turn) {
      if (error) this.turns.refused(pending.turn, error);
      else this.turns.bind(pending.turn, str(rec(result.turn).id));
    } else if (pending.span) {
      const threadId = str(rec(result.thread).id);
      if (threadId !== undefined) {
        pending.span.setAttribute(ATTR.conversationId, threadId);
        this.turns.threadModel(threadId, str(result.model));
      }
      if (str(result.model) !== undefined) pending.span.setAttribute(ATTR.requestModel, str(result.model)!);
      endSpan(pending.span, error);
    }
  }

  private notification(method: string, params: Rec): void {
    const threadId = str(params.threadId);
    switch (method) {
      case 'turn/started':
        this.turns.find(threadId, str(rec(params.turn).id));
        return;
      case 'item/started':
      case 'item/completed': {
        const turn = this.turns.find(threadId, str(params.turnId));
        if (!turn) return;
        if (method === 'item/started') this.turns.itemStarted(turn, rec(params.item));
        else this.turns.itemCompleted(turn, rec(params.item));
        return;
      }
      case 'thread/tokenUsage/updated': {
        const turn = this.turns.find(threadId, str(params.turnId));
        if (turn) this.turns.usage(turn, rec(params.tokenUsage));
        return;
      }
      case 'turn/completed': {
        const completed = rec(params.turn);
        const turn = this.turns.find(threadId, str(completed.id));
        if (!turn) return;
        // codex withdraws what the turn still asks when it ends; record it before the span ends
        for (const [id, request] of [...this.serverRequests])
          if (request.turn === turn) this.settle(id, undefined);
        this.turns.completed(turn, completed);
        return;
      }
      case 'serverRequest/resolved':
        this.withdrawn(idKey(params.requestId));
        return;
      default:
        return;
    }
  }

  private serverRequest(id: string, method: string, params: Rec): void {
    const kind = approvalKind(method);
    const turn = this.turns.find(str(params.threadId), str(params.turnId));
    const itemId = str(params.itemId) ?? str(params.callId);
    if (method === 'item/tool/call' && turn && itemId !== undefined)
      this.turns.toolRequested(turn, itemId, params);
    else if (kind === undefined) return;
    this.serverRequests.set(id, { method, kind, receivedMs: Date.now(), turn, itemId });
    if (kind !== undefined)
      this.approvalEvent(turn, EVENT.approvalRequested, this.approvalAttributes(id, kind, itemId));
  }

  /** Our answer to a server request went out. */
  private answered(id: string, message: Rec): void {
    this.settle(id, { result: isRecord(message.result) ? message.result : undefined });
  }

  /** codex withdrew a request we had not answered (the turn ended or was interrupted). */
  private withdrawn(id: string | undefined): void {
    if (id !== undefined) this.settle(id, undefined);
  }

  /** A server request is over: answered by us (`answer`), or withdrawn by codex (`undefined`). */
  private settle(id: string, answer: { result: Rec | undefined } | undefined): void {
    const request = this.serverRequests.get(id);
    if (!request) return;
    this.serverRequests.delete(id);
    if (request.kind === undefined) {
      if (request.turn && request.itemId !== undefined)
        this.turns.toolAnswered(request.turn, request.itemId, answer?.result);
      return;
    }
    const attributes = this.approvalAttributes(id, request.kind, request.itemId);
    if (answer) attributes[ATTR.approvalDecision] = decisionOf(answer.result);
    attributes[ATTR.approvalDecidedBy] = answer ? 'client' : 'server';
    attributes[ATTR.approvalWaitedMs] = Date.now() - request.receivedMs;
    this.approvalEvent(request.turn, answer ? EVENT.approvalDecided : EVENT.approvalWithdrawn, attributes);
  }

  private approvalAttributes(id: string, kind: string, itemId: string | undefined): Attributes {
    const attributes: Attributes = { [ATTR.approvalKind]: kind, [ATTR.approvalRequestId]: id };
    if (itemId !== undefined) attributes[ATTR.toolCallId] = itemId;
    return attributes;
  }

  private approvalEvent(turn: TurnState | undefined, name: string, attributes: Attributes): void {
    turn?.span.addEvent(name, attributes);
  }

  private endConnect(errorType: string | undefined, message: string | undefined): void {
    const span = this.connectSpan;
    if (!span) return;
    this.connectSpan = undefined;
    endSpan(span, errorType === undefined ? undefined : { code: errorType, message });
  }
}

function endSpan(span: Span, error: Rec | undefined): void {
  if (error) {
    span.setAttribute(ATTR.errorType, String(error.code ?? ERROR_TYPE.rpc));
    span.setStatus({ code: SpanStatusCode.ERROR, message: str(error.message) });
  }
  span.end();
}

/** How an approval was answered: codex's decision tag, an elicitation action, or `answered`. */
function decisionOf(result: Rec | undefined): string {
  if (!result) return 'error';
  return tagOf(result.decision) ?? str(result.action) ?? 'answered';
}

/** A low-cardinality `error.type`: the `CodexusError` code, else the error's name. */
function errorTypeOf(error: unknown): string {
  if (isRecord(error) && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.name : ERROR_TYPE.other;
}
