import { CodexusError, type Prompt, type PromptRunResult } from '@codexus/runtime';
import type {
  AutomationHandle,
  AutomationSpec,
  AutomationState,
  AutomationStatus,
  StopOptions,
} from '../automation-types.js';
import type { AutomationClock } from '../clock.js';
import { type Cadence, planNextRun, tickIndexAt, timerDelay } from './cadence.js';

/** What the runner needs of a turn (`TurnStream` has it). */
export interface RunningTurn {
  readonly result: Promise<PromptRunResult>;
  interrupt(): Promise<void>;
}

/** What the runner needs of a session (`Session` has it). */
export interface TurnSource {
  readonly isClosed: boolean;
  readonly threadId: string;
  askStream(prompt: Prompt): RunningTurn;
}

export interface RunnerInit {
  session: TurnSource;
  prompt: Prompt;
  cadence: Cadence;
  onRun: AutomationSpec['onRun'];
  signal: AbortSignal | undefined;
  clock: AutomationClock;
  /** Called once, when the runner reaches its final state (before `done` resolves). */
  onSettled(): void;
}

const FINAL_STATES: ReadonlySet<AutomationState> = new Set(['stopped', 'completed', 'failed']);

/**
 * The scheduler of one automation: at most one timer armed and at most one turn in flight. Every
 * path to a final state goes through `finish`, which clears the timer, drops the signal listener
 * and resolves `done`.
 */
export class AutomationRunner implements AutomationHandle {
  readonly done: Promise<AutomationStatus>;
  private state: AutomationState = 'scheduled';
  private runs = 0;
  private lastResult: PromptRunResult | undefined;
  private lastError: Error | undefined;
  private nextRunAtMs: number | undefined;
  private lastIndex: number | undefined;
  private timer: { handle: unknown } | undefined;
  private turn: RunningTurn | undefined;
  private stopRequested = false;
  private resolveDone!: (status: AutomationStatus) => void;
  private readonly onAbort = (): void => {
    void this.stop();
  };

  constructor(private readonly init: RunnerInit) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /** Arms the first run (or stops at once when the signal is already aborted). */
  start(): void {
    const { signal } = this.init;
    if (signal?.aborted) {
      this.finish('stopped');
      return;
    }
    signal?.addEventListener('abort', this.onAbort, { once: true });
    this.scheduleNext();
  }

  status(): AutomationStatus {
    const status: AutomationStatus = { state: this.state, runs: this.runs };
    if (this.lastResult !== undefined) status.lastResult = structuredClone(this.lastResult);
    if (this.lastError !== undefined) status.lastError = this.lastError;
    if (this.nextRunAtMs !== undefined) status.nextRunAt = new Date(this.nextRunAtMs);
    return status;
  }

  stop(options: StopOptions = {}): Promise<AutomationStatus> {
    if (FINAL_STATES.has(this.state)) return this.done;
    if (this.state !== 'running') {
      this.finish('stopped');
      return this.done;
    }
    this.stopRequested = true;
    // The turn then resolves with status `interrupted`; a failing interrupt request leaves the turn
    // to its own timeout, and the runner still waits for its result.
    if (options.interrupt) void this.turn?.interrupt().catch(() => {});
    return this.done;
  }

  /** `await using` stops the runner and interrupts a turn in flight. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop({ interrupt: true });
  }

  private scheduleNext(): void {
    const { clock, cadence } = this.init;
    const plan = planNextRun(cadence, this.runs, this.lastIndex, clock.now());
    if (plan.kind === 'completed') {
      this.finish('completed');
      return;
    }
    this.state = this.runs === 0 ? 'scheduled' : 'idle';
    this.nextRunAtMs = plan.atMs;
    this.arm();
  }

  private arm(): void {
    const { clock } = this.init;
    const atMs = this.nextRunAtMs ?? clock.now();
    this.timer = { handle: clock.setTimeout(() => this.onTimer(), timerDelay(atMs, clock.now())) };
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.state !== 'scheduled' && this.state !== 'idle') return;
    const { clock, cadence } = this.init;
    const nowMs = clock.now();
    // A timer may fire early (capped delays, clock drift): wait for the rest.
    if (this.nextRunAtMs !== undefined && nowMs < this.nextRunAtMs) {
      this.arm();
      return;
    }
    // A timer that fired late must not start a run at or after stopAt.
    if (cadence.stopAtMs !== undefined && nowMs >= cadence.stopAtMs) {
      this.finish('completed');
      return;
    }
    this.lastIndex = tickIndexAt(cadence, nowMs);
    void this.runOnce();
  }

  private async runOnce(): Promise<void> {
    this.state = 'running';
    this.nextRunAtMs = undefined;
    this.runs++;
    let result: PromptRunResult;
    try {
      const turn = this.init.session.askStream(this.init.prompt);
      this.turn = turn;
      result = await turn.result;
    } catch (error) {
      // A PromptRunError (failed, timeout, aborted, connection closed) or a refusal to start the
      // turn (session closed, another turn in progress): both end the runner.
      this.finish('failed', error);
      return;
    } finally {
      this.turn = undefined;
    }
    this.lastResult = result;
    try {
      await this.init.onRun?.(result);
    } catch (error) {
      this.finish('failed', error);
      return;
    }
    if (this.stopRequested) this.finish('stopped');
    else if (this.init.session.isClosed) this.finish('failed', sessionClosed(this.init.session));
    else this.scheduleNext();
  }

  private finish(state: AutomationState, error?: unknown): void {
    if (FINAL_STATES.has(this.state)) return;
    this.state = state;
    if (state === 'failed') this.lastError = toError(error);
    this.nextRunAtMs = undefined;
    if (this.timer !== undefined) {
      this.init.clock.clearTimeout(this.timer.handle);
      this.timer = undefined;
    }
    this.init.signal?.removeEventListener('abort', this.onAbort);
    this.init.onSettled();
    this.resolveDone(this.status());
  }
}

function sessionClosed(session: TurnSource): CodexusError {
  return new CodexusError(
    'SESSION_CLOSED',
    `session ${session.threadId} was closed under its automation runner`,
    {
      data: { threadId: session.threadId },
    },
  );
}

function toError(value: unknown): Error {
  return value instanceof Error
    ? value
    : new Error(`non-Error value thrown: ${String(value)}`, { cause: value });
}
