import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, planNextRun, tickIndexAt, timerDelay } from './cadence.js';

const grid = { anchorMs: 1_000, everyMs: 100 };

describe('cadence', () => {
  it('the first run is at the anchor, or now when the anchor has passed', () => {
    expect(planNextRun(grid, 0, undefined, 500)).toEqual({ kind: 'run', atMs: 1_000 });
    expect(planNextRun(grid, 0, undefined, 1_234)).toEqual({ kind: 'run', atMs: 1_234 });
  });

  it('the next run is the next grid tick after the last run', () => {
    expect(planNextRun(grid, 1, 0, 1_010)).toEqual({ kind: 'run', atMs: 1_100 });
    expect(planNextRun(grid, 5, 4, 1_450)).toEqual({ kind: 'run', atMs: 1_500 });
  });

  it('missed ticks collapse into one run now, and the grid index skips them', () => {
    // The run of tick 0 ended at 1 350: ticks 1..3 were missed; one run starts now.
    expect(planNextRun(grid, 1, 0, 1_350)).toEqual({ kind: 'run', atMs: 1_350 });
    // That run belongs to tick 3, so the next one is tick 4, not a burst for ticks 1 and 2.
    expect(tickIndexAt(grid, 1_350)).toBe(3);
    expect(planNextRun(grid, 2, 3, 1_360)).toEqual({ kind: 'run', atMs: 1_400 });
  });

  it('a tick exactly at the end of a run is not missed', () => {
    expect(tickIndexAt(grid, 1_100)).toBe(1);
    expect(planNextRun(grid, 1, 0, 1_100)).toEqual({ kind: 'run', atMs: 1_100 });
  });

  it('tickIndexAt is 0 before the anchor', () => {
    expect(tickIndexAt(grid, 0)).toBe(0);
    expect(tickIndexAt(grid, 1_099)).toBe(0);
  });

  it('completes after maxRuns, and when the next run would start at or after stopAt', () => {
    expect(planNextRun({ ...grid, maxRuns: 2 }, 2, 1, 1_150)).toEqual({ kind: 'completed' });
    expect(planNextRun({ ...grid, maxRuns: 3 }, 2, 1, 1_150)).toEqual({ kind: 'run', atMs: 1_200 });
    expect(planNextRun({ ...grid, stopAtMs: 1_200 }, 2, 1, 1_150)).toEqual({ kind: 'completed' });
    expect(planNextRun({ ...grid, stopAtMs: 1_201 }, 2, 1, 1_150)).toEqual({ kind: 'run', atMs: 1_200 });
    // A run that outlasted stopAt leaves no catch-up run.
    expect(planNextRun({ ...grid, stopAtMs: 1_250 }, 3, 2, 1_300)).toEqual({ kind: 'completed' });
  });

  it('timer delays are never negative and never above the setTimeout limit', () => {
    expect(timerDelay(100, 150)).toBe(0);
    expect(timerDelay(150, 100)).toBe(50);
    expect(timerDelay(Number.MAX_SAFE_INTEGER, 0)).toBe(MAX_TIMER_MS);
  });
});
