import { describe, expect, it } from 'vitest';
import { delay, within } from './timing.js';

describe('timing', () => {
  it('delay resolves after the wait and rejects with the abort reason', async () => {
    const started = Date.now();
    await delay(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    const controller = new AbortController();
    const waiting = delay(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(delay(10, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('within gives the value in time, else undefined (also for a rejection)', async () => {
    await expect(within(Promise.resolve(3), 100)).resolves.toBe(3);
    await expect(within(new Promise(() => {}), 10)).resolves.toBeUndefined();
    await expect(within(Promise.reject(new Error('x')), 100)).resolves.toBeUndefined();
  });
});
