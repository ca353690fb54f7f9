import { CodexRpcError, type CodexusError, type ServerNotification } from '@codexus/core';
import { delay } from '@codexus/core/internal';
import type { HookReport } from '@codexus/plugin';
import type { TurnStartParams } from '@codexus/protocol';
import type { ApprovalRequest } from './approval-request.js';
import type { HookEngine } from './hooks/hook-engine.js';
import { HookReportCollector } from './hooks/hook-report-collector.js';
import { runPostToolUse } from './hooks/tool-hooks.js';
import { runPostTurn, runPreTurn } from './hooks/turn-hooks.js';
import { EventLog } from './internal/event-log.js';
import { type TurnItem, threadIdOf, turnIdOf } from './internal/wire.js';
import { PromptRunError, type PromptRunFailureReason } from './prompt-run-error.js';
import type { PromptRunEvent, PromptRunResult } from './prompt-run-event.js';
import type { Runtime } from './runtime.js';
import { OutputInvalidError } from './structured-output.js';
import type { ToolCallInfo, ToolCallOutcome } from './tools/tool-call.js';
import { TurnAssembler } from './turn-assembler.js';

/** How long we wait for the server's `turn/completed` after we interrupted a turn ourselves. */
const INTERRUPT_GRACE_MS = 5_000;
/** How long `interrupt()` waits for `turn/started` before it sends `turn/interrupt` anyway. */
const INTERRUPT_START_WAIT_MS = 2_000;

export interface TurnStreamInit {
  runtime: Runtime;
  threadId: string;
  /** `turn/start` params (threadId included). */
  params: TurnStartParams;
  timeoutMs: number;
  inactivityTimeoutMs?: number;
  signal?: AbortSignal;
  /** Parses and validates the final message of a completed turn (structured output). */
  parseOutput?: (text: string) => Promise<unknown>;
  onFinish?: (outcome: { result: PromptRunResult; error?: CodexusError }) => void;
  /** The session's hooks (PreTurn, PostToolUse, PostTurn) and what their contexts need. */
  hooks?: { engine: HookEngine; cwd: string; prompt: string };
}

/**
 * A running turn: an async iterable of typed events with `result`, `interrupt()` and `turnId` on the
 * same object. Several consumers may iterate (each from the first event); leaving a loop early only
 * stops watching: the turn goes on until `interrupt()`, the signal or a timeout. `result` resolves
 * with the turn's result, or rejects with a `PromptRunError` (failed, timeout, inactivity, aborted, connection closed).
 */
export class TurnStream<R extends PromptRunResult = PromptRunResult>
  implements AsyncIterable<PromptRunEvent>, AsyncDisposable
{
  readonly result: Promise<R>;
  private readonly events = new EventLog<PromptRunEvent>();
  private assembler: TurnAssembler | undefined;
  private readonly buffered: ServerNotification[] = [];
  private settle!: (outcome: { result: PromptRunResult; error?: CodexusError }) => void;
  private finished = false;
  private readonly hookReports = new HookReportCollector();
  private failure: { reason: PromptRunFailureReason; message: string; cause?: unknown } | undefined;
  private readonly cleanups: (() => void)[] = [];
  private inactivityTimer: NodeJS.Timeout | undefined;
  private readonly startedAtMs = Date.now();
  private turnIdResolved!: (turnId: string) => void;
  /** Resolves with the turn id once `turn/start` answered. */
  readonly turnIdReady: Promise<string>;
  private readonly turnStarted: Promise<void>;
  private markStarted!: () => void;

  /** @internal Created by `Session.askStream`. */
  constructor(private readonly init: TurnStreamInit) {
    this.turnIdReady = new Promise((resolve) => {
      this.turnIdResolved = resolve;
    });
    this.turnStarted = new Promise((resolve) => {
      this.markStarted = resolve;
    });
    this.result = new Promise<{ result: PromptRunResult; error?: CodexusError }>((resolve) => {
      this.settle = resolve;
    }).then(({ result, error }) => {
      if (error) throw error;
      return result as R;
    });
    // Callers who only iterate events must not see an unhandled rejection; awaiting `result` still throws.
    this.result.catch(() => {});
    // Start on the next microtask: the caller holds the stream before anything can finish it.
    queueMicrotask(() => void this.run());
  }

  get threadId(): string {
    return this.init.threadId;
  }

  /** The turn id (undefined until `turn/start` answered). */
  get turnId(): string | undefined {
    return this.assembler?.turnId;
  }

  get isDone(): boolean {
    return this.finished;
  }

  /**
   * Asks the server to interrupt the turn; the result then resolves with status `interrupted`.
   * codex answers "no active turn" until it has started the turn it accepted, so this waits for
   * `turn/started` (bounded) and retries that answer briefly.
   */
  async interrupt(): Promise<void> {
    if (this.finished) return;
    const turnId = await this.turnIdReady;
    await Promise.race([this.turnStarted, delay(INTERRUPT_START_WAIT_MS)]);
    for (let attempt = 0; !this.finished; attempt++) {
      try {
        await this.init.runtime.request(
          'turn/interrupt',
          { threadId: this.threadId, turnId },
          { timeoutMs: 10_000 },
        );
        return;
      } catch (error) {
        const notYet = CodexRpcError.isInstance(error) && /no active turn/i.test(error.rawMessage);
        if (!notYet || attempt >= 20) throw error;
        await delay(25);
      }
    }
  }

  /** The turn's item with this id, as last seen (for PreToolUse contexts). */
  item(id: string | undefined): TurnItem | undefined {
    return id === undefined ? undefined : this.assembler?.item(id);
  }

  /** Adds hook reports to this turn's result (the approval router's PreToolUse reports). */
  addHookReports(reports: readonly HookReport[]): void {
    this.hookReports.add(reports);
  }

  /** Called by the session's tools when an in-process tool call starts (a ToolCallSink). */
  toolCallStarted(call: ToolCallInfo): void {
    if (!this.finished) this.events.push({ type: 'toolCallStarted', call });
    this.touch();
  }

  /** Called by the session's tools when an in-process tool call was answered. */
  toolCallCompleted(call: ToolCallOutcome): void {
    if (!this.finished) this.events.push({ type: 'toolCallCompleted', call });
    this.touch();
  }

  /** Called by the session when an approval for this turn arrives. */
  approvalRequested(request: ApprovalRequest): void {
    if (!this.finished) this.events.push({ type: 'approvalRequested', request });
    this.touch();
  }

  /**
   * The turn's events from its start; every call is a new reader, so several consumers may iterate.
   * Leaving a loop early stops that reader only: the turn goes on (interrupting is `interrupt()`).
   */
  [Symbol.asyncIterator](): AsyncIterator<PromptRunEvent> {
    return this.events.reader();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.finished) {
      await this.interrupt().catch(() => {});
      await this.result.catch(() => {});
    }
  }

  private async run(): Promise<void> {
    const { runtime, threadId, params, signal, timeoutMs } = this.init;
    const connection = runtime.connection;
    const subscription = runtime.on('*', (n) => {
      if (threadIdOf(n.params) !== threadId) return;
      if (this.assembler) this.feed(n);
      else this.buffered.push(n);
    });
    this.cleanups.push(() => subscription.dispose());
    const deadline = setTimeout(
      () => this.fail('timeout', `turn did not finish within ${timeoutMs} ms`),
      timeoutMs,
    );
    deadline.unref();
    this.cleanups.push(() => clearTimeout(deadline));
    if (signal) {
      const onAbort = (): void => this.fail('aborted', 'turn aborted', signal.reason);
      if (signal.aborted)
        return this.finish(
          new PromptRunError('aborted', 'turn aborted before it started', this.partial(), {
            cause: signal.reason,
          }),
        );
      signal.addEventListener('abort', onAbort, { once: true });
      this.cleanups.push(() => signal.removeEventListener('abort', onAbort));
    }
    // A subscription disposed with the turn (not `connection.closed.then`, which would keep every
    // finished turn reachable for as long as the connection lives).
    const onClosed = (): void => {
      const info = connection.closeInfo ?? { reason: 'connection closed' };
      if (!this.finished)
        this.fail('connectionClosed', `connection closed during the turn (${info.reason})`, info);
    };
    if (connection.state === 'closed') {
      queueMicrotask(onClosed);
    } else {
      const closing = connection.onStateChange((state) => {
        if (state === 'closed') queueMicrotask(onClosed);
      });
      this.cleanups.push(() => closing.dispose());
    }
    this.touch();
    let sent = params;
    if (this.init.hooks) {
      try {
        const scope = { threadId, cwd: this.init.hooks.cwd, signal };
        const pre = await runPreTurn(this.init.hooks.engine, params, scope);
        this.hookReports.add(pre.reports);
        sent = pre.params; // a PreTurn hook may patch what is sent
      } catch (error) {
        return this.finish(error as CodexusError); // HOOK_BLOCKED (or ABORTED): nothing was sent
      }
    }
    let turnId: string;
    try {
      const response = await runtime.request('turn/start', sent, {
        signal,
        timeoutMs: Math.min(timeoutMs, 60_000),
      });
      const id = response?.turn?.id;
      if (typeof id !== 'string') throw new Error('turn/start returned no turn id');
      turnId = id;
    } catch (error) {
      const reason: PromptRunFailureReason = signal?.aborted
        ? 'aborted'
        : connection.state === 'closed'
          ? 'connectionClosed'
          : 'failed';
      return this.finish(
        new PromptRunError(reason, `turn/start failed: ${(error as Error).message}`, this.partial(), {
          cause: error,
        }),
      );
    }
    this.assembler = new TurnAssembler(threadId, turnId, this.startedAtMs);
    this.turnIdResolved(turnId);
    for (const n of this.buffered.splice(0)) this.feed(n);
    if (this.failure && !this.finished) void this.interruptAfterFailure();
  }

  private feed(n: ServerNotification): void {
    const assembler = this.assembler!;
    const turnId = turnIdOf(n.params);
    if (turnId !== undefined && turnId !== assembler.turnId) return;
    this.touch();
    for (const event of assembler.apply(n.method, n.params)) {
      if (event.type === 'turnStarted') this.markStarted();
      if (event.type === 'itemCompleted' && this.init.hooks) {
        const scope = { threadId: this.threadId, turnId: assembler.turnId, cwd: this.init.hooks.cwd };
        this.hookReports.track(runPostToolUse(this.init.hooks.engine, event.item, scope));
      }
      this.events.push(event);
    }
    if (assembler.done) this.complete();
  }

  /** The server completed the turn. */
  private complete(): void {
    const result = this.assembler!.result();
    if (this.failure) {
      const { reason, message, cause } = this.failure;
      this.finish(new PromptRunError(reason, message, result, { cause }));
    } else if (result.status === 'failed') {
      const message = result.error?.message ?? 'turn failed';
      this.finish(new PromptRunError('failed', message, result, { turnError: result.error }));
    } else if (this.init.parseOutput) {
      void this.finishWithOutput(result, this.init.parseOutput);
    } else {
      this.finish(undefined, result);
    }
  }

  /** Structured output: only a completed turn has one; its final message must parse and validate. */
  private async finishWithOutput(
    result: PromptRunResult,
    parse: (text: string) => Promise<unknown>,
  ): Promise<void> {
    if (result.status !== 'completed') {
      const error = new OutputInvalidError(
        `the turn was ${result.status} before it produced output`,
        result.text,
        [],
        {
          result,
        },
      );
      return this.finish(error, result);
    }
    try {
      const output = await parse(result.text);
      this.finish(undefined, { ...result, output } as PromptRunResult);
    } catch (error) {
      this.finish(error as CodexusError, result);
    }
  }

  /** A client-side failure: interrupt the turn, give the server a moment to complete it, then fail. */
  private fail(reason: PromptRunFailureReason, message: string, cause?: unknown): void {
    if (this.finished || this.failure) return;
    this.failure = { reason, message, cause };
    if (reason === 'connectionClosed') {
      // No server left to complete the turn: close it here.
      for (const event of this.assembler?.forceComplete('failed') ?? []) this.events.push(event);
      this.finish(new PromptRunError(reason, message, this.partial(), { cause }));
    } else if (this.assembler) {
      void this.interruptAfterFailure();
    }
    // Without a turn id yet, run() interrupts as soon as turn/start answers (or fails with it).
  }

  private async interruptAfterFailure(): Promise<void> {
    const grace = setTimeout(() => {
      for (const event of this.assembler?.forceComplete('interrupted') ?? []) this.events.push(event);
      const failure = this.failure!;
      this.finish(
        new PromptRunError(failure.reason, failure.message, this.partial(), { cause: failure.cause }),
      );
    }, INTERRUPT_GRACE_MS);
    grace.unref();
    this.cleanups.push(() => clearTimeout(grace));
    try {
      await this.interrupt();
    } catch {
      // the grace timer settles the turn
    }
  }

  private touch(): void {
    const ms = this.init.inactivityTimeoutMs;
    if (!ms || this.finished) return;
    if (this.inactivityTimer) {
      this.inactivityTimer.refresh(); // cheaper than a new timer per event
      return;
    }
    this.inactivityTimer = setTimeout(() => this.fail('inactivity', `no event from codex for ${ms} ms`), ms);
    this.inactivityTimer.unref();
  }

  private partial(): PromptRunResult {
    return (
      this.assembler?.result() ?? {
        threadId: this.threadId,
        turnId: '',
        status: 'failed',
        text: '',
        items: [],
        durationMs: Date.now() - this.startedAtMs,
      }
    );
  }

  private finish(
    error: CodexusError | undefined,
    result: PromptRunResult = (error as PromptRunError | undefined)?.partial ?? this.partial(),
  ): void {
    if (this.finished) return;
    this.finished = true;
    if (this.inactivityTimer) clearTimeout(this.inactivityTimer);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.turnIdResolved(result.turnId);
    this.markStarted();
    this.events.end();
    const outcome = error ? { result, error } : { result };
    void this.runPostHooks(outcome).then(() => {
      this.init.onFinish?.(outcome);
      this.settle(outcome);
    });
  }

  /** The PostToolUse hooks still running, then PostTurn; their reports go on the result. */
  private async runPostHooks(outcome: { result: PromptRunResult; error?: CodexusError }): Promise<void> {
    const hooks = this.init.hooks;
    if (!hooks) return;
    await this.hookReports.settled();
    if (outcome.result.turnId) {
      const scope = { threadId: this.threadId, cwd: hooks.cwd, prompt: hooks.prompt };
      this.hookReports.add(await runPostTurn(hooks.engine, outcome, scope).catch(() => []));
    }
    outcome.result.hookReports = await this.hookReports.settled();
  }
}
