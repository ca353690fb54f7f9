/**
 * Strict unhandled-rejection checks for a test: `watch()` registers a process listener that records
 * every unhandled rejection (so the test sees it, whatever the runner does with its own listener);
 * `settled()` lets the event loop turn a few times, then returns what was recorded and removes the
 * listener. Bounded: a fixed number of `setImmediate` turns, no timers.
 */
export function watchUnhandledRejections(): { settled(turns?: number): Promise<unknown[]> } {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', listener);
  return {
    settled: async (turns = 5) => {
      try {
        for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
        return seen;
      } finally {
        process.off('unhandledRejection', listener);
      }
    },
  };
}
