/**
 * Where the runner reads the time and arms its one timer. The default is the system clock; tests
 * inject a fake one so the scheduling rules run without waiting. Times are epoch ms (like
 * `Date.now()`), because `startAt` and `stopAt` are dates.
 */
export interface AutomationClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * `Date.now()` and the global timers. The timer is not `unref()`ed: a scheduled runner keeps the
 * process alive until it is done, like `setInterval`.
 */
export const systemClock: AutomationClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
