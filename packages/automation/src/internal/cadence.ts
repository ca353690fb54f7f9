/**
 * The scheduling rules as pure functions. Runs sit on a fixed grid `anchorMs + k * everyMs`
 * (k >= 0). A run that outlasts one or more grid ticks does not cause a burst: all the ticks it
 * missed collapse into one run that starts as soon as it ends, and the grid goes on after that.
 */

/** The longest delay one timer may take (setTimeout's limit); longer waits are re-armed. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Cadence {
  anchorMs: number;
  everyMs: number;
  stopAtMs?: number;
  maxRuns?: number;
}

/** What the runner does next: start a run at `atMs`, or complete. */
export type NextRun = { kind: 'run'; atMs: number } | { kind: 'completed' };

/** The index of the last grid tick at or before `atMs` (0 before the anchor). */
export function tickIndexAt(cadence: Cadence, atMs: number): number {
  return atMs <= cadence.anchorMs ? 0 : Math.floor((atMs - cadence.anchorMs) / cadence.everyMs);
}

/**
 * When the next run starts, given how many runs were started, the grid index of the last one
 * (undefined before the first run) and the time now.
 */
export function planNextRun(
  cadence: Cadence,
  runs: number,
  lastIndex: number | undefined,
  nowMs: number,
): NextRun {
  if (cadence.maxRuns !== undefined && runs >= cadence.maxRuns) return { kind: 'completed' };
  const tick =
    lastIndex === undefined ? cadence.anchorMs : cadence.anchorMs + (lastIndex + 1) * cadence.everyMs;
  const atMs = Math.max(tick, nowMs);
  if (cadence.stopAtMs !== undefined && atMs >= cadence.stopAtMs) return { kind: 'completed' };
  return { kind: 'run', atMs };
}

/** How long to arm the timer for a run at `atMs` (capped; the runner re-checks when it fires). */
export function timerDelay(atMs: number, nowMs: number): number {
  return Math.min(Math.max(0, atMs - nowMs), MAX_TIMER_MS);
}
