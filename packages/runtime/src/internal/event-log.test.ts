import { describe, expect, it } from 'vitest';
import { EventLog } from './event-log.js';

async function readAll<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

describe('EventLog', () => {
  it('gives every reader the whole log from the start, live and after the end', async () => {
    const log = new EventLog<number>();
    const early = readAll(log.reader());
    log.push(1);
    log.push(2);
    const middle = readAll(log.reader());
    log.push(3);
    log.end();
    log.push(4); // after the end: ignored
    expect(await early).toEqual([1, 2, 3]);
    expect(await middle).toEqual([1, 2, 3]);
    expect(await readAll(log.reader())).toEqual([1, 2, 3]);
  });

  it('return() ends only that reader, also while it waits, and others go on', async () => {
    const log = new EventLog<string>();
    const stopped = log.reader();
    const waiting = stopped.next();
    const other = readAll(log.reader());
    await stopped.return?.();
    await expect(waiting).resolves.toEqual({ value: undefined, done: true });
    log.push('a');
    log.end();
    expect(await other).toEqual(['a']);
    await expect(stopped.next()).resolves.toEqual({ value: undefined, done: true });
  });
});
