import { type AutomationClock, systemClock } from '../src/index.js';

/** The system clock, counting the timers the runner has armed and not yet seen fire or cleared. */
export class TrackingClock implements AutomationClock {
  private readonly live = new Set<unknown>();

  get pending(): number {
    return this.live.size;
  }

  now(): number {
    return systemClock.now();
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const handle = systemClock.setTimeout(() => {
      this.live.delete(handle);
      fn();
    }, ms);
    this.live.add(handle);
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.live.delete(handle);
    systemClock.clearTimeout(handle);
  }
}
