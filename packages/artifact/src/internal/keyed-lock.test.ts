import { CodexusError } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { KeyedLock } from './keyed-lock.js';

describe('KeyedLock', () => {
  it('hands a key to waiters in arrival order; other keys are independent', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const release1 = await lock.acquire('a', 'wait');
    const second = lock.acquire('a', 'wait').then((release) => {
      order.push('second');
      return release;
    });
    const third = lock.acquire('a', 'wait').then((release) => {
      order.push('third');
      release();
    });
    const other = await lock.acquire('b', 'wait');
    other();
    await Promise.resolve();
    expect(order).toEqual([]);
    release1();
    release1(); // idempotent: does not release the second holder
    const release2 = await second;
    await Promise.resolve();
    expect(order).toEqual(['second']);
    release2();
    await third;
    expect(order).toEqual(['second', 'third']);
    expect(lock.isHeld('a')).toBe(false);
  });

  it('fails at once under the fail policy while the key is held', async () => {
    const lock = new KeyedLock();
    const release = await lock.acquire('a', 'fail');
    await expect(lock.acquire('a', 'fail')).rejects.toSatisfy((e) => CodexusError.is(e, 'TURN_IN_PROGRESS'));
    release();
    (await lock.acquire('a', 'fail'))();
  });

  it('an aborted waiter leaves the queue', async () => {
    const lock = new KeyedLock();
    const release = await lock.acquire('a', 'wait');
    const controller = new AbortController();
    const waiting = lock.acquire('a', 'wait', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toSatisfy((e) => CodexusError.is(e, 'ABORTED'));
    release();
    expect(lock.isHeld('a')).toBe(false);
    await expect(lock.acquire('a', 'wait', controller.signal)).rejects.toSatisfy((e) =>
      CodexusError.is(e, 'ABORTED'),
    );
  });
});
