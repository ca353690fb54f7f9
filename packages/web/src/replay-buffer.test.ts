import { describe, expect, it } from 'vitest';
import { ReplayBuffer } from './replay-buffer.js';

const ev = (id: number) => ({ id });

describe('ReplayBuffer', () => {
  it('returns the events after an id, oldest first', () => {
    const buffer = new ReplayBuffer<{ id: number }>();
    for (let i = 1; i <= 5; i++) buffer.push(ev(i), 10);
    expect(buffer.since(2).events.map((e) => e.id)).toEqual([3, 4, 5]);
    expect(buffer.since(0).events).toHaveLength(5);
    expect(buffer.since(5)).toEqual({ events: [] });
    expect(buffer.nextId).toBe(6);
  });

  it('drops the oldest past maxEvents and reports the gap', () => {
    const buffer = new ReplayBuffer<{ id: number }>({ maxEvents: 3 });
    for (let i = 1; i <= 10; i++) buffer.push(ev(i), 1);
    expect(buffer.size).toBe(3);
    expect(buffer.since(2)).toEqual({ events: [ev(8), ev(9), ev(10)], gap: { fromId: 3, toId: 7 } });
    expect(buffer.since(7).gap).toBeUndefined();
    expect(buffer.since(0).gap).toEqual({ fromId: 1, toId: 7 });
  });

  it('drops the oldest past maxBytes but always keeps the newest', () => {
    const buffer = new ReplayBuffer<{ id: number }>({ maxBytes: 100 });
    buffer.push(ev(1), 60);
    buffer.push(ev(2), 60);
    expect(buffer.since(0).events.map((e) => e.id)).toEqual([2]);
    buffer.push(ev(3), 500);
    expect(buffer.since(0).events.map((e) => e.id)).toEqual([3]);
    expect(buffer.retainedBytes).toBe(500);
  });

  it('stays bounded over many pushes', () => {
    const buffer = new ReplayBuffer<{ id: number }>({ maxEvents: 10 });
    for (let i = 1; i <= 100_000; i++) buffer.push(ev(i), 1);
    expect(buffer.size).toBe(10);
    expect(buffer.since(99_995).events.map((e) => e.id)).toEqual([99_996, 99_997, 99_998, 99_999, 100_000]);
  });

  it('refuses out-of-order ids and bad limits', () => {
    const buffer = new ReplayBuffer<{ id: number }>();
    expect(() => buffer.push(ev(2), 1)).toThrow(RangeError);
    expect(() => new ReplayBuffer({ maxEvents: 0 })).toThrow(RangeError);
  });
});
