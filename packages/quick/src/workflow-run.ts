import type { PromptRunEvent, PromptRunResult, TurnStream } from '@codexus/runtime';

/** @internal A turn that started, and what to run when it settles. */
export interface StartedRun {
  stream: TurnStream;
  finish: (result?: PromptRunResult, error?: unknown) => Promise<PromptRunResult>;
}

/**
 * One run of a {@link Workflow}: iterate it for live events, await `result` for the outcome.
 * Several loops may read one run, each from its first event; leaving a loop early only stops
 * watching (as with `Session.askStream`): interrupting is `interrupt()`.
 */
export class WorkflowRun implements AsyncIterable<PromptRunEvent>, AsyncDisposable {
  /** The run's result; rejects with the run's error (e.g. `PromptRunError`, `TURN_IN_PROGRESS`). */
  readonly result: Promise<PromptRunResult>;

  private readonly turn: Promise<TurnStream>;

  /** @internal Created by `Workflow.runStream`; `finish` runs the PostRun hooks once the turn settled. */
  constructor(started: Promise<StartedRun>) {
    this.turn = started.then(({ stream }) => stream);
    this.result = started.then(({ stream, finish }) =>
      stream.result.then(
        (result) => finish(result),
        (error: unknown) => finish(undefined, error),
      ),
    );
    // A run that fails before its turn starts (a PreRun block, a refused `output` schema) rejects
    // both promises with the same error. It surfaces once, through `result` (or the iterator, which
    // awaits `turn`); neither promise may be left as an unhandled rejection: callers who only await
    // `result` never touch `turn`, and callers who only iterate never touch `result`.
    this.turn.catch(() => {});
    this.result.catch(() => {});
  }

  /** Interrupts the run; `result` then resolves with status `interrupted`. */
  async interrupt(): Promise<void> {
    const stream = await this.turn.catch(() => undefined);
    await stream?.interrupt();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PromptRunEvent> {
    yield* await this.turn;
  }

  /** Interrupts the run if it is still going and waits for it to end. */
  async [Symbol.asyncDispose](): Promise<void> {
    const stream = await this.turn.catch(() => undefined);
    await stream?.[Symbol.asyncDispose]();
  }
}
