import { CodexusError, type RequestOptions } from '@codexus/core';
import type {
  ThreadForkResponse,
  ThreadResumeResponse,
  ThreadStartResponse,
  TurnStartParams,
} from '@codexus/protocol';
import type { ApprovalHandler, ApprovalRequest, TimeoutAction } from './approval-request.js';
import type { ApprovalTarget } from './approval-router.js';
import type { HookEngine } from './hooks/hook-engine.js';
import { type InputItem, type Prompt, promptText, toTurnInput } from './prompt-input.js';
import type { PromptRunResult, StructuredRunResult } from './prompt-run-event.js';
import type { Runtime } from './runtime.js';
import { assertPrivilege, type ReasoningEffort, type ResolvedSessionConfig } from './session-config.js';
import { type InferOutputOf, type OutputSpec, prepareOutput } from './structured-output.js';
import { SessionTools } from './tools/session-tools.js';
import { ToolRegistry } from './tools/tool-registry.js';
import { TurnStream } from './turn-stream.js';

export interface AskOptions {
  signal?: AbortSignal;
  /** This turn's timeout (ms); default: the session's `turnTimeoutMs`. */
  timeoutMs?: number;
  inactivityTimeoutMs?: number;
  /** A raw JSON Schema the final message must follow (this turn only); `text` stays unparsed. */
  outputSchema?: Record<string, unknown>;
  /**
   * A schema for the final message, both directions: its JSON Schema is sent as the turn's
   * `outputSchema`, and `result.output` is the parsed, validated value (`OUTPUT_INVALID` otherwise).
   */
  output?: OutputSpec;
  /** Image paths or URLs added after the prompt. */
  images?: readonly string[];
  effort?: ReasoningEffort;
}

/** What a Session needs from its Client. */
export interface SessionHost {
  readonly runtime: Runtime;
  readonly hooks: HookEngine;
  turnFinished(outcome: { result: PromptRunResult; error?: CodexusError }): void;
  sessionClosed(session: Session): void;
  /**
   * Called once by `close()` after the turn ended: lets codex unload the thread (the Client sends
   * `thread/unsubscribe`). Must not throw. Without it, the thread stays loaded.
   */
  releaseThread?(session: Session): Promise<void>;
}

/**
 * Layer 3: one codex thread. One turn at a time: a second `ask` while a turn runs is rejected with
 * `TURN_IN_PROGRESS`, never interleaved.
 */
export class Session implements ApprovalTarget, AsyncDisposable {
  private active: TurnStream | undefined;
  private closedFlag = false;
  private closing: Promise<void> | undefined;
  private turnsRun = 0;
  /** Answers this session's `item/tool/call` requests (undefined without `tools`). */
  readonly tools: SessionTools | undefined;

  /** @internal Created by `Client.startSession`, `resumeSession` and `forkSession`. */
  constructor(
    private readonly host: SessionHost,
    private threadIdValue: string,
    readonly config: ResolvedSessionConfig,
    /** The `thread/start` (or resume/fork) result: effective model, sandbox, approval policy, ... */
    public info: SessionInfo,
    /** The client's hooks, then this session's. */
    readonly hooks: HookEngine = host.hooks.extend(config.hooks ?? []),
  ) {
    const registry = config.tools?.length ? new ToolRegistry(config.tools) : undefined;
    this.tools = registry
      ? new SessionTools({
          registry,
          hooks: this.hooks,
          cwd: config.cwd,
          timeoutMs: config.turnTimeoutMs,
          logger: host.runtime.logger,
        })
      : undefined;
  }

  get threadId(): string {
    return this.threadIdValue;
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** The running turn, if any. */
  get activeTurn(): TurnStream | undefined {
    return this.active;
  }

  /** Number of turns this session has started. */
  get turnCount(): number {
    return this.turnsRun;
  }

  get approvalHandler(): ApprovalHandler | undefined {
    return this.config.approvalHandler;
  }

  get approvalTimeoutMs(): number | undefined {
    return this.config.approvalTimeoutMs;
  }

  get timeoutAction(): TimeoutAction | undefined {
    return this.config.timeoutAction;
  }

  approvalRequested(request: ApprovalRequest): void {
    this.active?.approvalRequested(request);
  }

  /** Runs one turn and resolves with its result (rejects with `PromptRunError` when it fails). */
  ask<S extends OutputSpec>(
    prompt: Prompt,
    options: AskOptions & { output: S },
  ): Promise<StructuredRunResult<InferOutputOf<S>>>;
  ask(prompt: Prompt, options?: AskOptions): Promise<PromptRunResult>;
  ask(prompt: Prompt, options: AskOptions = {}): Promise<PromptRunResult> {
    try {
      return this.askStream(prompt, options).result;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `askStream(...).result`. */
  askWait<S extends OutputSpec>(
    prompt: Prompt,
    options: AskOptions & { output: S },
  ): Promise<StructuredRunResult<InferOutputOf<S>>>;
  askWait(prompt: Prompt, options?: AskOptions): Promise<PromptRunResult>;
  askWait(prompt: Prompt, options: AskOptions = {}): Promise<PromptRunResult> {
    return this.ask(prompt, options);
  }

  /** Starts one turn and returns its live event stream. */
  askStream<S extends OutputSpec>(
    prompt: Prompt,
    options: AskOptions & { output: S },
  ): TurnStream<StructuredRunResult<InferOutputOf<S>>>;
  askStream(prompt: Prompt, options?: AskOptions): TurnStream;
  askStream(prompt: Prompt, options: AskOptions = {}): TurnStream {
    this.assertOpen('ask');
    if (this.active) {
      throw new CodexusError('TURN_IN_PROGRESS', `a turn is already running on thread ${this.threadId}`, {
        data: { threadId: this.threadId, turnId: this.active.turnId },
      });
    }
    assertPrivilege(this.config.sandbox, this.config.privileged);
    const params: TurnStartParams = {
      threadId: this.threadId,
      input: toTurnInput(prompt, options.images),
      effort: options.effort ?? this.config.effort,
    };
    if (options.output !== undefined && options.outputSchema !== undefined) {
      throw new CodexusError(
        'VALIDATION_FAILED',
        'pass either output (a schema) or outputSchema (raw JSON Schema), not both',
      );
    }
    const prepared = options.output === undefined ? undefined : prepareOutput(options.output);
    if (options.outputSchema !== undefined) params.outputSchema = options.outputSchema;
    if (prepared) params.outputSchema = prepared.jsonSchema;
    const stream = new TurnStream({
      runtime: this.host.runtime,
      threadId: this.threadId,
      params,
      timeoutMs: options.timeoutMs ?? this.config.turnTimeoutMs,
      inactivityTimeoutMs: options.inactivityTimeoutMs ?? this.config.inactivityTimeoutMs,
      signal: options.signal,
      hooks: { engine: this.hooks, cwd: this.config.cwd, prompt: promptText(prompt) },
      parseOutput: prepared?.parse,
      onFinish: (outcome) => {
        if (this.active === stream) this.active = undefined;
        const reason =
          outcome.result.status === 'interrupted' ? 'the turn was interrupted' : 'the turn ended';
        this.tools?.abort(reason, outcome.result.turnId);
        this.host.turnFinished(outcome);
      },
    });
    this.active = stream;
    this.turnsRun++;
    return stream;
  }

  /** Adds input to the running turn (`turn/steer`). */
  async steer(prompt: Prompt, options: RequestOptions = {}): Promise<{ turnId: string }> {
    this.assertOpen('steer');
    const turn = this.active;
    if (!turn)
      throw new CodexusError('VALIDATION_FAILED', 'steer needs a running turn', {
        data: { threadId: this.threadId },
      });
    const expectedTurnId = await turn.turnIdReady;
    return this.host.runtime.request(
      'turn/steer',
      { threadId: this.threadId, input: toTurnInput(prompt), expectedTurnId },
      options,
    );
  }

  /** Interrupts the running turn, if any; its result resolves with status `interrupted`. */
  async interrupt(): Promise<void> {
    await this.active?.interrupt();
  }

  /**
   * Closes the session: a running turn is interrupted and awaited (bounded), then codex is told to
   * unload the thread (`thread/unsubscribe`; see `unloadDelayMs`). Never throws; idempotent.
   */
  async close(): Promise<void> {
    this.closing ??= (async () => {
      this.closedFlag = true;
      const turn = this.active;
      if (turn) {
        await turn.interrupt().catch(() => {});
        await turn.result.catch(() => {});
      }
      this.tools?.abort('the session was closed');
      this.host.sessionClosed(this);
      await this.host.releaseThread?.(this);
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @internal After a codex restart: the thread was resumed, or (if it had no turn yet) started anew. */
  rebind(threadId: string, info: SessionInfo): void {
    this.threadIdValue = threadId;
    this.info = info;
  }

  private assertOpen(what: string): void {
    if (this.closedFlag)
      throw new CodexusError('SESSION_CLOSED', `${what}: the session is closed`, {
        data: { threadId: this.threadId },
      });
  }
}

export type { InputItem, Prompt };

/** What codex said when the session's thread started, resumed or forked (the generated result types). */
export type SessionInfo = ThreadStartResponse | ThreadResumeResponse | ThreadForkResponse;
