import { CodexusError, type Prompt, type PromptRunResult, type TurnStatus } from '@codexus/runtime';
import type { RunningTurn, TurnSource } from '../src/internal/automation-runner.js';
import type { FakeClock } from './fake-clock.js';

/** One scripted turn of a {@link FakeSession}: it ends when the test (or its duration) says so. */
export class FakeTurn implements RunningTurn {
  readonly result: Promise<PromptRunResult>;
  readonly startedAtMs: number;
  endedAtMs: number | undefined;
  interruptCalls = 0;
  private settle!: (outcome: { result: PromptRunResult } | { error: unknown }) => void;
  private timer: unknown;

  constructor(
    private readonly clock: FakeClock,
    readonly index: number,
    readonly prompt: Prompt,
    durationMs: number | undefined,
  ) {
    this.startedAtMs = clock.now();
    this.result = new Promise<{ result: PromptRunResult } | { error: unknown }>((resolve) => {
      this.settle = resolve;
    }).then((outcome) => {
      if ('error' in outcome) throw outcome.error;
      return outcome.result;
    });
    if (durationMs !== undefined) this.timer = clock.setTimeout(() => this.complete(), durationMs);
  }

  get running(): boolean {
    return this.endedAtMs === undefined;
  }

  complete(status: TurnStatus = 'completed', text = `answer ${this.index}`): void {
    this.end({ result: fakeResult(this.index, status, text, this.clock.now() - this.startedAtMs) });
  }

  fail(error: unknown): void {
    this.end({ error });
  }

  async interrupt(): Promise<void> {
    this.interruptCalls++;
    this.complete('interrupted', '');
  }

  private end(outcome: { result: PromptRunResult } | { error: unknown }): void {
    if (!this.running) return;
    this.endedAtMs = this.clock.now();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.settle(outcome);
  }
}

/**
 * A stand-in for a Session in the pure scheduler tests: like the real one it refuses a second turn
 * while one runs and any turn after close. Turn `i` lasts `durationsMs[i]` (the last entry repeats;
 * none: the test ends it).
 */
export class FakeSession implements TurnSource {
  readonly threadId = 'thr_fake';
  isClosed = false;
  readonly turns: FakeTurn[] = [];

  constructor(
    private readonly clock: FakeClock,
    private readonly durationsMs: readonly number[] = [],
  ) {}

  get current(): FakeTurn | undefined {
    return this.turns.find((t) => t.running);
  }

  get starts(): number[] {
    return this.turns.map((t) => t.startedAtMs);
  }

  askStream(prompt: Prompt): FakeTurn {
    if (this.isClosed) throw new CodexusError('SESSION_CLOSED', 'ask: the session is closed');
    if (this.current) throw new CodexusError('TURN_IN_PROGRESS', 'a turn is already running');
    const index = this.turns.length;
    const duration = this.durationsMs[Math.min(index, this.durationsMs.length - 1)];
    const turn = new FakeTurn(this.clock, index, prompt, duration);
    this.turns.push(turn);
    return turn;
  }
}

export function fakeResult(index: number, status: TurnStatus, text: string, durationMs = 0): PromptRunResult {
  return { threadId: 'thr_fake', turnId: `turn_${index}`, status, text, items: [], durationMs };
}
