import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/fake-clock.js';
import { FakeSession } from '../test/fake-session.js';
import { expectDone, setup } from '../test/spawn-runner.js';
import type { AutomationSpec } from './index.js';
import { spawnOn } from './spawn.js';

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
