import {
  CodexusError,
  type Logger,
  RPC_METHOD_NOT_FOUND,
  type ServerRequest,
  silentLogger,
} from '@codexus/core';
import {
  type ApprovalHandler,
  type ApprovalRequest,
  encodeApprovalAnswer,
  fallbackAnswer,
  type TimeoutAction,
  toApprovalRequest,
  type UnknownServerRequestPolicy,
  type WireAnswer,
} from './approval-request.js';
import { DEFAULT_APPROVAL_TIMEOUT_MS } from './defaults.js';
import { settleOrAbort } from './internal/settle-or-abort.js';

/** What the router needs to know about the session a request belongs to. */
export interface ApprovalTarget {
  approvalHandler?: ApprovalHandler;
  approvalTimeoutMs?: number;
  timeoutAction?: TimeoutAction;
  /** Told about every request for its thread (the running turn's stream shows it). */
  approvalRequested(request: ApprovalRequest): void;
}

export interface ApprovalRouterOptions {
  findTarget(threadId: string | undefined): ApprovalTarget | undefined;
  /** Receives the server requests the router leaves to the caller (unknown methods under `queue`). */
  enqueue(request: ServerRequest): void;
  clientHandler?: ApprovalHandler;
  unknownPolicy?: UnknownServerRequestPolicy;
  approvalTimeoutMs?: number;
  timeoutAction?: TimeoutAction;
  logger?: Logger;
  /** Runs before the answer is sent; may only make it stricter (the hook engine plugs in here). */
  review?: (request: ApprovalRequest, answer: WireAnswer, signal: AbortSignal) => Promise<WireAnswer>;
}

/**
 * Answers approval-type server requests: the session's handler, else the client's, else the timeout
 * action (fail closed). A handler that throws, returns a wrong shape, or runs past its timeout also gets
 * the timeout action. `serverRequest/resolved` withdraws a request: its handler's signal aborts and no
 * answer is sent. Unknown methods follow the `UnknownServerRequestPolicy` (default: queue).
 */
export class ApprovalRouter {
  private readonly inFlight = new Map<string, AbortController>();
  private readonly logger: Logger;

  constructor(private readonly options: ApprovalRouterOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  get pending(): number {
    return this.inFlight.size;
  }

  route(serverRequest: ServerRequest): void {
    const request = toApprovalRequest(serverRequest.id, serverRequest.method, serverRequest.params);
    if (request.kind === 'unknown') this.unknown(serverRequest, request);
    else void this.answer(serverRequest, request);
  }

  /** The server withdrew a request (`serverRequest/resolved`). */
  withdraw(requestId: unknown): void {
    const controller = this.inFlight.get(String(requestId));
    if (!controller) return;
    this.inFlight.delete(String(requestId));
    controller.abort(new Error('the server withdrew the request'));
  }

  private unknown(serverRequest: ServerRequest, request: ApprovalRequest): void {
    const policy = this.options.unknownPolicy ?? 'queue';
    if (policy === 'queue') {
      this.options.enqueue(serverRequest);
      return;
    }
    const answer =
      policy === 'methodNotFound'
        ? {
            error: { code: RPC_METHOD_NOT_FOUND, message: `${request.method} is not handled by this client` },
          }
        : fallbackAnswer(request, 'decline');
    void send(serverRequest, answer).catch((error) =>
      this.logger.warn('could not answer a server request', { method: request.method, error: String(error) }),
    );
  }

  private async answer(serverRequest: ServerRequest, request: ApprovalRequest): Promise<void> {
    const target = this.options.findTarget(request.threadId);
    target?.approvalRequested(request);
    const handler = target?.approvalHandler ?? this.options.clientHandler;
    const action = target?.timeoutAction ?? this.options.timeoutAction ?? 'decline';
    const timeoutMs =
      target?.approvalTimeoutMs ?? this.options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
    const key = String(serverRequest.id);
    const controller = new AbortController();
    this.inFlight.set(key, controller);
    const timer = setTimeout(
      () => controller.abort(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    timer.unref();
    let answer: WireAnswer;
    try {
      if (!handler) {
        answer = fallbackAnswer(request, action);
      } else {
        const given = await settleOrAbort(
          () => handler(request, { signal: controller.signal }),
          controller.signal,
        );
        answer = encodeApprovalAnswer(request, given);
      }
    } catch (error) {
      if (!this.inFlight.has(key)) return; // withdrawn by the server: nothing to answer
      const refused = CodexusError.is(error, 'VALIDATION_FAILED');
      this.logger.warn(
        refused
          ? `approval answer refused (it does not fit ${request.method}); answering with the timeout action (${action})`
          : `approval handler failed; answering with the timeout action (${action})`,
        {
          method: request.method,
          requestId: serverRequest.id,
          threadId: request.threadId,
          error: String(error),
          ...(refused && CodexusError.isInstance(error) ? { details: error.data } : {}),
        },
      );
      answer = fallbackAnswer(request, action);
    } finally {
      clearTimeout(timer);
    }
    try {
      if (this.options.review) answer = await this.options.review(request, answer, controller.signal);
      if (!this.inFlight.has(key)) return;
      this.inFlight.delete(key);
      await send(serverRequest, answer);
    } catch (error) {
      this.inFlight.delete(key);
      this.logger.warn('could not answer an approval', { method: request.method, error: String(error) });
    }
  }
}

function send(serverRequest: ServerRequest, answer: WireAnswer): Promise<void> {
  return 'result' in answer ? serverRequest.respond(answer.result) : serverRequest.respondError(answer.error);
}
