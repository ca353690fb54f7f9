import type { Logger, ServerRequest } from '@codexus/core';
import type { HookReport } from '@codexus/plugin';
import type { HookEngine } from '../hooks/hook-engine.js';
import { isRecord, str } from '../internal/wire.js';
import { runToolCall, type ToolCallInfo, type ToolCallOutcome, type ToolCallParams } from './tool-call.js';
import type { ToolRegistry } from './tool-registry.js';

/** Where a call's events and hook reports go (the running turn). */
export interface ToolCallSink {
  toolCallStarted(call: ToolCallInfo): void;
  toolCallCompleted(outcome: ToolCallOutcome): void;
  addHookReports(reports: readonly HookReport[]): void;
}

export interface SessionToolsOptions {
  registry: ToolRegistry;
  hooks: HookEngine;
  cwd: string;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Answers a session's `item/tool/call` requests with its registered tools (approval handlers never
 * see them). Calls run concurrently; each has its own signal, aborted when the server withdraws the
 * request, when its turn ends or is interrupted, and when the session closes. An aborted call is
 * still answered (`success: false`).
 */
export class SessionTools {
  private readonly inFlight = new Map<string, { controller: AbortController; turnId: string | undefined }>();

  constructor(private readonly options: SessionToolsOptions) {}

  get pending(): number {
    return this.inFlight.size;
  }

  handle(request: ServerRequest, sink?: ToolCallSink): void {
    const params = (isRecord(request.params) ? request.params : {}) as unknown as ToolCallParams;
    const key = String(request.id);
    const controller = new AbortController();
    this.inFlight.set(key, { controller, turnId: str(params.turnId) });
    void runToolCall(params, {
      registry: this.options.registry,
      signal: controller.signal,
      timeoutMs: this.options.timeoutMs,
      hooks: { engine: this.options.hooks, cwd: this.options.cwd },
      onStarted: (call) => sink?.toolCallStarted(call),
      onCompleted: (outcome) => sink?.toolCallCompleted(outcome),
      onReports: (reports) => sink?.addHookReports(reports),
    })
      .then((answer) => {
        this.inFlight.delete(key);
        return request.respond(answer);
      })
      .catch((error) =>
        this.options.logger.warn('could not answer a tool call', { tool: params.tool, error: String(error) }),
      );
  }

  /** The server withdrew a request (`serverRequest/resolved`): its call is aborted. */
  withdraw(requestId: unknown): void {
    this.inFlight.get(String(requestId))?.controller.abort(new Error('the server withdrew the tool call'));
  }

  /** Aborts the calls of a turn that ended (or every call with no turn id given). */
  abort(reason: string, turnId?: string): void {
    for (const { controller, turnId: of } of this.inFlight.values()) {
      if (turnId === undefined || of === turnId) controller.abort(new Error(reason));
    }
  }
}
