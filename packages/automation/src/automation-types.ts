import type { Prompt, PromptRunResult } from '@codexus/runtime';
import type { AutomationClock } from './clock.js';

/**
 * `scheduled` (waiting for the first run), `running` (a turn or its `onRun` is in flight), `idle`
 * (between runs); then one of the final states `stopped` (by `stop()` or the signal), `completed`
 * (`maxRuns` reached or no run left before `stopAt`) and `failed` (see `AutomationStatus.lastError`).
 */
export type AutomationState = 'scheduled' | 'running' | 'idle' | 'stopped' | 'completed' | 'failed';

/** What to run, and when. */
export interface AutomationSpec {
  /** The prompt of every run (a copy is taken at spawn). */
  prompt: Prompt;
  /** The cadence (ms, a positive integer): runs start at `startAt + k * everyMs`. */
  everyMs: number;
  /** The first run and the anchor of the cadence. Default: the moment of `spawn`. */
  startAt?: Date;
  /** No run starts at or after this moment; a turn already running finishes. Must be after `startAt`. */
  stopAt?: Date;
  /** The runner completes after this many runs (an integer >= 1). Default: no limit. */
  maxRuns?: number;
  /**
   * Called with the result of every finished turn (completed, or interrupted) and awaited before
   * the next run is scheduled. If it throws or rejects, the runner ends as `failed` with that error
   * as `lastError`.
   */
  onRun?(result: PromptRunResult): void | Promise<void>;
  /** Aborting it is the same as `stop()`. */
  signal?: AbortSignal;
}

/** A snapshot of a runner. `status()` returns a new copy each time. */
export interface AutomationStatus {
  state: AutomationState;
  /** Turns this runner has started, the one in flight included. */
  runs: number;
  /** The result of the last turn that finished with a result (completed or interrupted). */
  lastResult?: PromptRunResult;
  /**
   * Why the runner `failed`: the `PromptRunError` of the turn (its `partial` holds what the turn
   * produced), the `CodexusError` that refused to start it (e.g. `SESSION_CLOSED`), or what `onRun`
   * threw. Only set in state `failed`.
   */
  lastError?: Error;
  /** When the next run starts (states `scheduled` and `idle` only). */
  nextRunAt?: Date;
}

export interface StopOptions {
  /** Interrupt the turn in flight instead of letting it finish. Default false. */
  interrupt?: boolean;
}

/** A running automation. */
export interface AutomationHandle extends AsyncDisposable {
  status(): AutomationStatus;
  /**
   * Stops the runner: no further run starts; a turn in flight finishes (or is interrupted with
   * `{ interrupt: true }`). Resolves with the final status, like `done`. Idempotent.
   */
  stop(options?: StopOptions): Promise<AutomationStatus>;
  /** Resolves (never rejects) with the final status once the runner reached a final state. */
  readonly done: Promise<AutomationStatus>;
}

export interface SpawnOptions {
  /** Default: {@link systemClock}. */
  clock?: AutomationClock;
}
