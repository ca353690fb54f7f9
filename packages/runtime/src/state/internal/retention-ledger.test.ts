import { describe, expect, it } from 'vitest';
import { resolveRetentionLimits } from '../retention.js';
import type { ChangeInput } from './change-sink.js';
import { ThreadRecord } from './records.js';
import { reduceServerRequest } from './reduce-connection.js';
import { isStateNotification, reduceNotification } from './reduce-notification.js';
import { createReducerState, type ReducerState } from './reducer-ops.js';
import type { RetentionLedger } from './retention-ledger.js';

/** A state fed by the reducer, its changes recorded. */
function state(limits = {}): ReducerState & { changes: ChangeInput[] } {
  const changes: ChangeInput[] = [];
  const s = createReducerState(resolveRetentionLimits(limits), (change) => void changes.push(change));
  return { ...s, changes };
}

/** The ledger's total recounted from scratch: every thread rebuilt from its view, plus the pending requests. */
function recount(ledger: RetentionLedger): number {
  let bytes = 0;
  for (const thread of ledger.threads.values()) {
    bytes += ThreadRecord.fromView(thread.view(), ledger.limits.maxItemBytes).totalBytes;
  }
  for (const pending of ledger.pending.values()) bytes += pending.bytes;
  return bytes;
}

function apply(s: ReducerState, method: string, params: Record<string, unknown>, atMs: number): void {
  if (!isStateNotification(method)) throw new Error(method);
  reduceNotification(s, method, params, atMs);
  s.ledger.enforceTotalBytes();
}

/** A turn with `commands` command items of `outputBytes` streamed output each; completed unless told. */
function turn(
  s: ReducerState,
  threadId: string,
  turnId: string,
  atMs: number,
  commands: number,
  outputBytes: number,
  complete = true,
): void {
  apply(s, 'thread/status/changed', { threadId, status: { type: 'active', activeFlags: [] } }, atMs);
  apply(s, 'turn/started', { threadId, turn: { id: turnId } }, atMs);
  for (let i = 0; i < commands; i++) {
    const item = {
      type: 'commandExecution',
      id: `${turnId}-${i}`,
      command: `echo ${i}`,
      status: 'inProgress',
    };
    apply(s, 'item/started', { threadId, turnId, item }, atMs);
    for (let d = 0; d < 4; d++)
      apply(
        s,
        'item/commandExecution/outputDelta',
        { threadId, turnId, itemId: item.id, delta: 'é"\n'.repeat(outputBytes / 16) },
        atMs,
      );
    apply(
      s,
      'item/completed',
      { threadId, turnId, item: { ...item, status: 'completed', exitCode: 0 } },
      atMs + i + 1,
    );
  }
  apply(s, 'turn/diff/updated', { threadId, turnId, diff: `+${turnId}\n`.repeat(outputBytes / 8) }, atMs);
  if (!complete) return;
  apply(s, 'thread/status/changed', { threadId, status: { type: 'idle' } }, atMs + 50);
  apply(s, 'turn/completed', { threadId, turn: { id: turnId, status: 'completed' } }, atMs + 50);
}

describe('RetentionLedger: byte accounting and eviction', () => {
  it('keeps totalBytes equal to a recount through growth, truncation and eviction', () => {
    const s = state({
      maxThreads: 4,
      maxTurnsPerThread: 5,
      maxItemsPerTurn: 3,
      maxItemBytes: 4096,
      maxTotalBytes: 64 * 1024,
    });
    for (let i = 0; i < 60; i++) {
      turn(s, `t${i % 7}`, `u${i}`, i * 100, 1 + (i % 5), 512 * (1 + (i % 9)), i % 11 !== 0);
      if (i % 5 === 0)
        reduceServerRequest(s, i, 'item/commandExecution/requestApproval', { threadId: `t${i % 7}` }, i);
      expect(s.ledger.totalBytes).toBe(recount(s.ledger));
    }
    const evicted = s.ledger.evicted;
    expect(evicted.turns + evicted.items + evicted.threads).toBeGreaterThan(0);
    expect(s.changes.some((c) => c.type === 'turn' && c.reason === 'evicted')).toBe(true);
  });

  it('stays within maxTotalBytes once nothing runs, evicting the oldest finished turn first', () => {
    const limits = { maxItemBytes: 4096, maxTotalBytes: 32 * 1024 };
    const s = state(limits);
    for (let i = 0; i < 20; i++) turn(s, 't', `u${i}`, i * 100, 2, 4096);
    expect(s.ledger.totalBytes).toBeLessThanOrEqual(limits.maxTotalBytes);
    expect(s.ledger.totalBytes).toBe(recount(s.ledger));
    const kept = [...(s.ledger.threads.get('t')?.turns.keys() ?? [])];
    const evictedTurns = s.changes.flatMap((c) =>
      c.type === 'turn' && c.reason === 'evicted' ? [c.turnId] : [],
    );
    // What went is exactly the oldest prefix; what stays is the newest suffix.
    expect(evictedTurns).toEqual(Array.from({ length: evictedTurns.length }, (_, i) => `u${i}`));
    expect(kept).toEqual(
      Array.from({ length: 20 - evictedTurns.length }, (_, i) => `u${i + evictedTurns.length}`),
    );
  });

  it('never evicts a running turn, even past maxTotalBytes', () => {
    const limits = { maxItemBytes: 1024, maxTotalBytes: 4096, maxItemsPerTurn: 1 };
    const s = state(limits);
    turn(s, 'busy', 'running', 0, 6, 1024, false);
    const running = s.ledger.threads.get('busy')?.turns.get('running');
    expect(running?.finished).toBe(false);
    expect(s.ledger.totalBytes).toBe(recount(s.ledger));
  });

  it('removing a pending request or a thread gives back exactly its bytes', () => {
    const s = state();
    const empty = s.ledger.totalBytes;
    reduceServerRequest(s, 'r1', 'item/tool/requestUserInput', { threadId: 't', turnId: 'u' }, 1);
    const withPending = s.ledger.totalBytes;
    expect(withPending).toBeGreaterThan(empty);
    expect(s.ledger.removePending('r1')?.bytes).toBe(withPending - empty);
    turn(s, 't', 'u', 1, 2, 256);
    const thread = s.ledger.threads.get('t');
    if (!thread) throw new Error('no thread');
    s.ledger.removeThread(thread, 'deleted', 2);
    expect(s.ledger.totalBytes).toBe(empty);
  });
});
