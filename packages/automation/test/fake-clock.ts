import type { AutomationClock } from '../src/index.js';

interface FakeTimer {
  id: number;
  atMs: number;
  fn: () => void;
}

/** Lets every queued microtask (promise chains) run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A manual clock: time moves only in `advance`, which fires the due timers in order and lets the
 * promise chains they start settle after each one. `pending` counts the armed timers.
 */
export class FakeClock implements AutomationClock {
  private nowMs: number;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(startMs = Date.UTC(2025, 0, 1)) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { id, atMs: this.nowMs + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way (in order). */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    await flush();
    for (;;) {
      const due = [...this.timers.values()]
        .filter((t) => t.atMs <= target)
        .sort((a, b) => a.atMs - b.atMs || a.id - b.id)[0];
      if (!due) break;
      this.timers.delete(due.id);
      this.nowMs = Math.max(this.nowMs, due.atMs);
      due.fn();
      await flush();
    }
    this.nowMs = target;
    await flush();
  }
}
