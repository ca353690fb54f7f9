import { CodexusError, PromptRunError, type PromptRunResult } from '@codexus/runtime';
import { describe, expect, it } from 'vitest';
import { FakeClock, flush } from '../test/fake-clock.js';
import { FakeSession, fakeResult } from '../test/fake-session.js';
import type { AutomationHandle, AutomationSpec, AutomationStatus } from './index.js';
import { spawnOn } from './spawn.js';

type SpecPatch = Partial<AutomationSpec>;

/**
 * A fake clock, a fake session whose turn `i` lasts `durationsMs[i]` and a runner every 100 ms.
 * `spec` may depend on the clock (`at(ms)` = a date `ms` after spawn).
 */
function setup(
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
async function expectDone(
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

describe('cadence and limits', () => {
  it('runs at spawn, then on a fixed cadence, one turn at a time, until maxRuns', async () => {
    const { clock, handle, starts, results } = setup([10], { maxRuns: 3 });
    expect(handle.status()).toMatchObject({ state: 'scheduled', runs: 0 });
    await clock.advance(0);
    expect(handle.status()).toMatchObject({ state: 'running', runs: 1 });
    await clock.advance(10);
    expect(handle.status()).toMatchObject({ state: 'idle', runs: 1, lastResult: { text: 'answer 0' } });
    expect(handle.status().nextRunAt?.getTime()).toBe(clock.now() + 90);
    await clock.advance(300);
    expect(starts()).toEqual([0, 100, 200]);
    expect(results.map((r) => r.text)).toEqual(['answer 0', 'answer 1', 'answer 2']);
    const final = await expectDone(handle, clock, 'completed');
    expect(final.runs).toBe(3);
    expect(final.lastResult?.text).toBe('answer 2');
  });

  it('a slow turn does not shift the cadence when it ends before the next tick', async () => {
    const { clock, handle, starts } = setup([90, 5], { maxRuns: 3 });
    await clock.advance(250);
    expect(starts()).toEqual([0, 100, 200]);
    await expectDone(handle, clock, 'completed');
  });

  it('ticks missed while a turn runs collapse into one run right after it, then the grid goes on', async () => {
    const { clock, session, handle, starts } = setup([350, 10], { maxRuns: 4 });
    await clock.advance(1_000);
    // Ticks 100, 200 and 300 were missed: one run at 350 (no burst), then 400 and 500 on the grid.
    expect(starts()).toEqual([0, 350, 400, 500]);
    // Never two turns at once.
    for (const [i, turn] of session.turns.entries()) {
      if (i > 0) expect(turn.startedAtMs).toBeGreaterThanOrEqual(session.turns[i - 1]!.endedAtMs!);
    }
    await expectDone(handle, clock, 'completed');
  });

  it('an awaited onRun counts as part of the run, and ticks it outlasts collapse too', async () => {
    const { clock, handle, starts } = setup([10], ({ clock }) => ({
      maxRuns: 2,
      onRun: () => new Promise<void>((resolve) => clock.setTimeout(resolve, 240)),
    }));
    await clock.advance(249);
    expect(handle.status().state).toBe('running');
    await clock.advance(1);
    expect(starts()).toEqual([0, 250]);
    await clock.advance(300);
    await expectDone(handle, clock, 'completed');
  });

  it('startAt in the future: scheduled until then, and the cadence is anchored on it', async () => {
    const { clock, handle, starts, t0 } = setup([10], ({ at }) => ({ startAt: at(1_000), maxRuns: 2 }));
    expect(handle.status()).toMatchObject({ state: 'scheduled', nextRunAt: new Date(t0 + 1_000) });
    await clock.advance(999);
    expect(starts()).toEqual([]);
    await clock.advance(1);
    expect(starts()).toEqual([1_000]);
    await clock.advance(200);
    expect(starts()).toEqual([1_000, 1_100]);
    await expectDone(handle, clock, 'completed');
  });

  it('startAt in the past: the first run is now, and the cadence stays on its grid', async () => {
    const { clock, handle, starts } = setup([10], ({ at }) => ({ startAt: at(-250), maxRuns: 2 }));
    await clock.advance(100);
    expect(starts()).toEqual([0, 50]);
    await expectDone(handle, clock, 'completed');
  });

  it('stopAt: no run starts at or after it; the runner completes without waiting for it', async () => {
    const { clock, handle, starts } = setup([10], ({ at }) => ({ stopAt: at(250) }));
    await clock.advance(215);
    expect(starts()).toEqual([0, 100, 200]);
    const final = await expectDone(handle, clock, 'completed');
    expect(final.runs).toBe(3);
  });

  it('stopAt: a turn running at stopAt finishes, and no catch-up run follows', async () => {
    const { clock, handle, starts, results } = setup([10, 500], ({ at }) => ({ stopAt: at(250) }));
    await clock.advance(600);
    expect(starts()).toEqual([0, 100]);
    expect(results).toHaveLength(2);
    await expectDone(handle, clock, 'completed');
  });
});

describe('stop and signal', () => {
  it('stop() while idle ends at once, with no timer left and no further run', async () => {
    const { clock, handle, session } = setup([10]);
    await clock.advance(50);
    const final = await handle.stop();
    expect(final).toMatchObject({ state: 'stopped', runs: 1, lastResult: { text: 'answer 0' } });
    expect(clock.pending).toBe(0);
    await clock.advance(1_000);
    expect(session.turns).toHaveLength(1);
    await expect(handle.stop()).resolves.toEqual(final);
  });

  it('stop() before the first run ends with zero runs', async () => {
    const { clock, handle, session } = setup([10], ({ at }) => ({ startAt: at(500) }));
    await expect(handle.stop()).resolves.toMatchObject({ state: 'stopped', runs: 0 });
    expect(clock.pending).toBe(0);
    expect(session.turns).toHaveLength(0);
  });

  it('stop() while running lets the turn finish, calls onRun, then resolves', async () => {
    const { clock, handle, session, results } = setup([80]);
    await clock.advance(20);
    let stopped: AutomationStatus | undefined;
    void handle.stop().then((s) => {
      stopped = s;
    });
    await clock.advance(50);
    expect(stopped).toBeUndefined();
    expect(handle.status().state).toBe('running');
    expect(session.turns[0]?.interruptCalls).toBe(0);
    await clock.advance(10);
    expect(stopped).toMatchObject({ state: 'stopped', runs: 1, lastResult: { status: 'completed' } });
    expect(results).toHaveLength(1);
    await expectDone(handle, clock, 'stopped');
  });

  it('stop({ interrupt: true }) interrupts the turn in flight', async () => {
    const { clock, handle, session, results } = setup([]);
    await clock.advance(0);
    void handle.stop({ interrupt: true });
    const final = await expectDone(handle, clock, 'stopped');
    expect(session.turns[0]?.interruptCalls).toBe(1);
    expect(final).toMatchObject({ state: 'stopped', runs: 1, lastResult: { status: 'interrupted' } });
    expect(results.map((r) => r.status)).toEqual(['interrupted']);
    expect(clock.pending).toBe(0);
  });

  it('a plain stop() can be escalated to an interrupt', async () => {
    const { clock, handle, session } = setup([]);
    await clock.advance(0);
    const first = handle.stop();
    await flush();
    expect(session.turns[0]?.running).toBe(true);
    const second = handle.stop({ interrupt: true });
    const final = await expectDone(handle, clock, 'stopped');
    expect(await first).toEqual(final);
    expect(await second).toEqual(final);
    expect(final.lastResult?.status).toBe('interrupted');
  });

  it('disposing (await using) stops the runner and interrupts the turn in flight', async () => {
    const { clock, handle, session } = setup([]);
    await clock.advance(0);
    expect(handle.status().state).toBe('running');
    void handle[Symbol.asyncDispose]();
    await expectDone(handle, clock, 'stopped');
    expect(session.turns[0]?.interruptCalls).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('aborting the signal while idle is stop()', async () => {
    const controller = new AbortController();
    const { clock, handle } = setup([10], { signal: controller.signal });
    await clock.advance(50);
    controller.abort();
    const final = await expectDone(handle, clock, 'stopped');
    expect(final.runs).toBe(1);
  });

  it('aborting the signal while running lets the turn finish', async () => {
    const controller = new AbortController();
    const { clock, handle, session } = setup([40], { signal: controller.signal });
    await clock.advance(10);
    controller.abort();
    await flush();
    expect(handle.status().state).toBe('running');
    await clock.advance(30);
    await expectDone(handle, clock, 'stopped');
    expect(session.turns[0]?.interruptCalls).toBe(0);
  });

  it('an already aborted signal stops the runner before any run', async () => {
    const { clock, handle, session } = setup([10], { signal: AbortSignal.abort() });
    await expectDone(handle, clock, 'stopped');
    await clock.advance(500);
    expect(session.turns).toHaveLength(0);
  });

  it('the abort listener is removed when the runner ends', async () => {
    const controller = new AbortController();
    const { clock, handle } = setup([10], { signal: controller.signal, maxRuns: 1 });
    await clock.advance(20);
    await expectDone(handle, clock, 'completed');
    controller.abort();
    await expect(handle.done).resolves.toMatchObject({ state: 'completed' });
  });
});

describe('failures', () => {
  it('a PromptRunError is terminal: failed, lastError set, done resolves, no timer left', async () => {
    const { clock, handle, session, results } = setup([]);
    await clock.advance(0);
    const error = new PromptRunError('failed', 'the model broke', fakeResult(0, 'failed', 'partial'));
    session.turns[0]?.fail(error);
    const final = await expectDone(handle, clock, 'failed');
    expect(final.lastError).toBe(error);
    expect(final.runs).toBe(1);
    expect(final.lastResult).toBeUndefined();
    expect(results).toHaveLength(0);
    await clock.advance(1_000);
    expect(session.turns).toHaveLength(1);
  });

  it('a PromptRunError after good runs keeps the last good result', async () => {
    const { clock, handle, session } = setup([10]);
    await clock.advance(100);
    session.turns[1]?.fail(new PromptRunError('timeout', 'timed out', fakeResult(1, 'failed', '')));
    const final = await expectDone(handle, clock, 'failed');
    expect(CodexusError.is(final.lastError, 'REQUEST_TIMEOUT')).toBe(true);
    expect(final.lastResult?.text).toBe('answer 0');
  });

  it('a session closed behind the runner fails it with SESSION_CLOSED at the next run', async () => {
    const { clock, handle, session } = setup([10]);
    await clock.advance(50);
    session.isClosed = true;
    await clock.advance(50);
    const final = await expectDone(handle, clock, 'failed');
    expect(CodexusError.is(final.lastError, 'SESSION_CLOSED')).toBe(true);
  });

  it('a session closed during a run fails the runner as soon as that run ends', async () => {
    const { clock, handle, session, results } = setup([]);
    await clock.advance(0);
    session.isClosed = true;
    session.turns[0]?.complete('interrupted', '');
    const final = await expectDone(handle, clock, 'failed');
    expect(CodexusError.is(final.lastError, 'SESSION_CLOSED')).toBe(true);
    expect(final.lastResult?.status).toBe('interrupted');
    expect(results).toHaveLength(1);
  });

  it('a turn interrupted by someone else is not an error: the runner goes on', async () => {
    const { clock, handle, session } = setup([]);
    await clock.advance(0);
    session.turns[0]?.complete('interrupted', '');
    await flush();
    expect(handle.status()).toMatchObject({ state: 'idle', lastResult: { status: 'interrupted' } });
    await clock.advance(100);
    expect(session.turns).toHaveLength(2);
    await handle.stop({ interrupt: true });
  });

  it('onRun throwing is terminal, with what it threw as lastError', async () => {
    const boom = new Error('cannot store the result');
    const { clock, handle } = setup([10], {
      onRun: () => {
        throw boom;
      },
    });
    await clock.advance(10);
    const final = await expectDone(handle, clock, 'failed');
    expect(final.lastError).toBe(boom);
    expect(final.lastResult?.text).toBe('answer 0');
  });

  it('onRun rejecting is terminal too; a non-Error is wrapped', async () => {
    const { clock, handle } = setup([10], { onRun: () => Promise.reject('nope') });
    await clock.advance(10);
    const final = await expectDone(handle, clock, 'failed');
    expect(final.lastError).toBeInstanceOf(Error);
    expect(final.lastError?.cause).toBe('nope');
  });
});

describe('spawn validation and ownership', () => {
  const bad: [string, Partial<AutomationSpec> | Record<string, unknown>, string][] = [
    ['everyMs 0', { everyMs: 0 }, 'everyMs'],
    ['everyMs negative', { everyMs: -5 }, 'everyMs'],
    ['everyMs fractional', { everyMs: 1.5 }, 'everyMs'],
    ['everyMs NaN', { everyMs: Number.NaN }, 'everyMs'],
    ['everyMs a string', { everyMs: '100' }, 'everyMs'],
    ['maxRuns 0', { maxRuns: 0 }, 'maxRuns'],
    ['maxRuns fractional', { maxRuns: 2.5 }, 'maxRuns'],
    ['startAt invalid', { startAt: new Date(Number.NaN) }, 'startAt'],
    ['empty prompt', { prompt: '  ' }, 'prompt'],
    ['no prompt', { prompt: undefined }, 'prompt'],
    ['empty item list', { prompt: [] }, 'prompt'],
    ['bad item', { prompt: [{ type: 'text' }] }, 'prompt'],
    ['onRun not a function', { onRun: 'x' }, 'onRun'],
    ['signal not a signal', { signal: {} }, 'signal'],
  ];
  it.each(bad)('refuses %s with VALIDATION_FAILED', (_name, patch, path) => {
    const clock = new FakeClock();
    const session = new FakeSession(clock, [10]);
    const spec = { prompt: 'p', everyMs: 100, ...patch } as AutomationSpec;
    expect(() => spawnOn(session, spec, { clock })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', data: expect.objectContaining({ path }) }),
    );
    expect(clock.pending).toBe(0);
  });

  it('refuses stopAt before (or at) startAt, and a stopAt that has passed', () => {
    const clock = new FakeClock();
    const session = new FakeSession(clock, [10]);
    const at = (ms: number) => new Date(clock.now() + ms);
    const attempt = (spec: Partial<AutomationSpec>) => () =>
      spawnOn(session, { prompt: 'p', everyMs: 100, ...spec }, { clock });
    expect(attempt({ startAt: at(1_000), stopAt: at(500) })).toThrow(/stopAt .* must be after startAt/);
    expect(attempt({ startAt: at(1_000), stopAt: at(1_000) })).toThrow(/must be after startAt/);
    expect(attempt({ stopAt: at(-1) })).toThrow(/has already passed/);
    expect(attempt({ startAt: at(-500), stopAt: at(-100) })).toThrow(/has already passed/);
  });

  it('refuses a closed session', () => {
    const clock = new FakeClock();
    const session = new FakeSession(clock, [10]);
    session.isClosed = true;
    expect(() => spawnOn(session, { prompt: 'p', everyMs: 100 }, { clock })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringContaining('closed') }),
    );
  });

  it('one runner per session: a second is refused until the first is done', async () => {
    const { clock, session, handle } = setup([10]);
    const again = () => spawnOn(session, { prompt: 'p', everyMs: 100, maxRuns: 1 }, { clock });
    expect(again).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(again).toThrow(/already has an automation runner/);
    // Another session is not affected.
    const other = spawnOn(new FakeSession(clock, [10]), { prompt: 'p', everyMs: 100 }, { clock });
    await other.stop();
    await handle.stop();
    const second = again();
    await clock.advance(20);
    await expectDone(second, clock, 'completed');
  });

  it('a refused spec does not take the session', async () => {
    const clock = new FakeClock();
    const session = new FakeSession(clock, [10]);
    expect(() => spawnOn(session, { prompt: 'p', everyMs: 0 }, { clock })).toThrow();
    const handle = spawnOn(session, { prompt: 'p', everyMs: 100, maxRuns: 1 }, { clock });
    await clock.advance(10);
    await expectDone(handle, clock, 'completed');
  });

  it('status() returns a copy', async () => {
    const { clock, handle } = setup([10]);
    await clock.advance(10);
    const status = handle.status();
    status.state = 'failed';
    status.runs = 99;
    if (status.lastResult) status.lastResult.text = 'changed';
    status.nextRunAt?.setTime(0);
    expect(handle.status()).toMatchObject({ state: 'idle', runs: 1, lastResult: { text: 'answer 0' } });
    expect(handle.status().nextRunAt?.getTime()).toBe(clock.now() + 90);
    await handle.stop();
  });

  it('the prompt is copied at spawn', async () => {
    const clock = new FakeClock();
    const session = new FakeSession(clock, [10]);
    const prompt = [{ type: 'text' as const, text: 'first' }];
    const handle = spawnOn(session, { prompt, everyMs: 100, maxRuns: 1 }, { clock });
    prompt.push({ type: 'text', text: 'added later' });
    await clock.advance(10);
    expect(session.turns[0]?.prompt).toEqual([{ type: 'text', text: 'first' }]);
    await expectDone(handle, clock, 'completed');
  });
});
