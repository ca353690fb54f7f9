import type { PromptRunResult } from '@codexus/runtime';
import { expect } from 'vitest';
import type { AutomationHandle, AutomationSpec, AutomationStatus } from '../src/index.js';
import { spawnOn } from '../src/spawn.js';
import { FakeClock, flush } from './fake-clock.js';
import { FakeSession } from './fake-session.js';

type SpecPatch = Partial<AutomationSpec>;

/**
 * A fake clock, a fake session whose turn `i` lasts `durationsMs[i]` and a runner every 100 ms.
 * `spec` may depend on the clock (`at(ms)` = a date `ms` after spawn).
 */
export function setup(
  durationsMs: number[] = [10],
  spec: SpecPatch | ((ctx: { clock: FakeClock; at(ms: number): Date }) => SpecPatch) = {},
) {
  const clock = new FakeClock();
  const session = new FakeSession(clock, durationsMs);
  const t0 = clock.now();
  const results: PromptRunResult[] = [];
  const patch = typeof spec === 'function' ? spec({ clock, at: (ms) => new Date(t0 + ms) }) : spec;
  const handle = spawnOn(
    session,
    { prompt: 'check the build', everyMs: 100, onRun: (r) => void results.push(r), ...patch },
    { clock },
  );
  /** Start times relative to spawn. */
  const starts = (): number[] => session.starts.map((ms) => ms - t0);
  return { clock, session, t0, results, handle, starts };
}

/** `done` resolved with `state` and no timer is left. */
export async function expectDone(
  handle: AutomationHandle,
  clock: FakeClock,
  state: AutomationStatus['state'],
): Promise<AutomationStatus> {
  const settled = await Promise.race([handle.done, flush().then(() => 'pending' as const)]);
  expect(settled).not.toBe('pending');
  const final = settled as AutomationStatus;
  expect(final.state).toBe(state);
  expect(final.nextRunAt).toBeUndefined();
  expect(clock.pending).toBe(0);
  return final;
}
