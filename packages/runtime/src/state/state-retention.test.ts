import { CodexusError } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { TRUNCATION_MARKER_PATTERN, utf8Length } from './capped-text.js';
import { StateProjection } from './state-projection.js';
import { REVISION, syntheticTurn } from './testdata/synthetic-turn.js';

describe('StateProjection retention under a flood', () => {
  it('bounds threads, turns, items and bytes, oldest finished first, with truncation markers', () => {
    const limits = { maxThreads: 3, maxTurnsPerThread: 4, maxItemsPerTurn: 5, maxItemBytes: 1_024 };
    const p = new StateProjection({ protocolRevision: REVISION, limits });
    for (let t = 0; t < 10; t++) {
      for (let u = 0; u < 10; u++) {
        syntheticTurn(p, `t${t}`, `t${t}-u${u}`, (t * 10 + u) * 10, { items: 20, outputBytes: 10_000 });
      }
    }
    const state = p.get();
    expect(state.threads.map((t) => t.id)).toEqual(['t7', 't8', 't9']);
    for (const thread of state.threads) {
      expect(thread.turns.map((t) => t.id)).toEqual([6, 7, 8, 9].map((u) => `${thread.id}-u${u}`));
      expect(thread.evictedTurns).toBe(6);
      for (const turn of thread.turns) {
        expect(turn.items).toHaveLength(5);
        expect(turn.evictedItems).toBe(16);
        // The newest items stay: the last commands and the final message.
        expect(turn.items.at(-1)!.type).toBe('agentMessage');
        for (const item of turn.items.filter((i) => i.type === 'commandExecution')) {
          expect(utf8Length(item.output!.text)).toBeLessThanOrEqual(1_024);
          expect(item.output!.bytes).toBe(10_000);
          expect(item.output!.droppedBytes).toBeGreaterThan(8_000);
          expect(TRUNCATION_MARKER_PATTERN.exec(item.output!.text)?.[1]).toBe(
            String(item.output!.droppedBytes),
          );
        }
      }
    }
    const stats = p.stats();
    // Every thread evicted 6 turns before t0..t6 went whole; every turn evicted 16 of its 21 items.
    expect(stats.evicted).toEqual({ threads: 7, turns: 60, items: 100 * 16 });
    expect(stats.truncatedBytes).toBeGreaterThan(0);
    // The byte estimate tracks the serialized size.
    const json = utf8Length(JSON.stringify(state));
    expect(stats.retainedBytes).toBeGreaterThan(json * 0.8);
    expect(stats.retainedBytes).toBeLessThan(json * 1.5);
  });

  it('never evicts a running turn (nor its thread), even past every limit', () => {
    const limits = {
      maxThreads: 1,
      maxTurnsPerThread: 1,
      maxItemsPerTurn: 2,
      maxItemBytes: 1_024,
      maxTotalBytes: 8_192,
    };
    const p = new StateProjection({ protocolRevision: REVISION, limits });
    syntheticTurn(p, 'busy', 'running', 1, { items: 0, complete: false });
    p.applyNotification(
      'item/started',
      {
        threadId: 'busy',
        turnId: 'running',
        item: { type: 'commandExecution', id: 'long', status: 'inProgress', command: 'x' },
      },
      2,
    );
    for (let i = 0; i < 50; i++) {
      p.applyNotification(
        'item/commandExecution/outputDelta',
        { threadId: 'busy', turnId: 'running', itemId: 'long', delta: 'z'.repeat(1_000) },
        3,
      );
      syntheticTurn(p, `other${i}`, `o${i}`, 10 + i, { items: 3, outputBytes: 2_000 });
    }
    const busy = p.thread('busy')!;
    expect(busy.turns.map((t) => t.id)).toEqual(['running']);
    expect(busy.turns[0]!.status).toBe('inProgress');
    expect(busy.turns[0]!.items.map((i) => i.id)).toContain('long');
    expect(busy.turns[0]!.items.find((i) => i.id === 'long')!.output).toMatchObject({
      bytes: 50_000,
      droppedBytes: expect.any(Number),
    });
    // Only the running thread and the newest other thread fit; the byte budget holds.
    expect(p.get().threads.length).toBeLessThanOrEqual(2);
    expect(p.stats().retainedBytes).toBeLessThanOrEqual(8_192);
    p.applyNotification(
      'turn/completed',
      { threadId: 'busy', turn: { id: 'running', status: 'completed' } },
      100,
    );
    syntheticTurn(p, 'late', 'l1', 200);
    expect(p.thread('busy')).toBeUndefined();
  });

  it('retains a bounded state over 2 000 turns (benchmark figure)', () => {
    const p = new StateProjection({ protocolRevision: REVISION });
    for (let i = 0; i < 2_000; i++) {
      syntheticTurn(p, `thread-${i % 50}`, `turn-${i}`, i * 10, { items: 4, outputBytes: 16_384 });
    }
    const stats = p.stats();
    const jsonBytes = utf8Length(JSON.stringify(p.get()));
    console.log(
      `[state-memory] 2000 turns on 50 threads x 4 commands x 16 KiB output: retained ${stats.retainedBytes} B ` +
        `(serialized ${jsonBytes} B), ${stats.threads} threads, ${stats.turns} turns, ${stats.items} items, ` +
        `evicted ${JSON.stringify(stats.evicted)}, truncated ${stats.truncatedBytes} B`,
    );
    expect(stats.retainedBytes).toBeLessThanOrEqual(p.limits.maxTotalBytes);
    expect(jsonBytes).toBeLessThanOrEqual(p.limits.maxTotalBytes * 1.2);
    expect(stats.threads).toBeLessThanOrEqual(p.limits.maxThreads);
  });

  it('rejects invalid retention limits', () => {
    expect(() => new StateProjection({ protocolRevision: REVISION, limits: { maxItemBytes: 10 } })).toThrow(
      CodexusError,
    );
    expect(() => new StateProjection({ protocolRevision: REVISION, limits: { maxThreads: 1.5 } })).toThrow(
      /maxThreads must be an integer/,
    );
    expect(
      () => new StateProjection({ protocolRevision: REVISION, limits: { maxTotalBytes: 100_000 } }),
    ).toThrow(/at least 4 x maxItemBytes/);
  });
});
