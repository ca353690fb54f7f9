import { CodexusError, PromptRunError } from '@codexus/runtime';
import { describe, expect, it } from 'vitest';
import { flush } from '../test/fake-clock.js';
import { fakeResult } from '../test/fake-session.js';
import { expectDone, setup } from '../test/spawn-runner.js';
import type { AutomationStatus } from './index.js';

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
