import { ServerNotificationMethods } from '@codexus/protocol';
import { describe, expect, it } from 'vitest';
import { resolveRetentionLimits } from '../retention.js';
import type { ChangeInput } from './change-sink.js';
import { isStateNotification, reduceNotification } from './reduce-notification.js';
import { createReducerState, type ReducerState } from './reducer-ops.js';

/** The reducer on its own: an in-memory state and a sink that records the changes. */
function reducer(limits = {}): ReducerState & { changes: ChangeInput[] } {
  const changes: ChangeInput[] = [];
  const s = createReducerState(resolveRetentionLimits(limits), (change) => {
    changes.push(change);
  });
  s.connection.state = 'ready';
  return { ...s, changes };
}

function apply(s: ReducerState, method: string, params: Record<string, unknown>, atMs: number): void {
  if (!isStateNotification(method)) throw new Error(`not a state notification: ${method}`);
  reduceNotification(s, method, params, atMs);
}

describe('reduceNotification (pure, typed by the generated protocol)', () => {
  it('handles only methods of the generated ServerNotificationMap', () => {
    const generated = new Set<string>(Object.values(ServerNotificationMethods));
    const handled = [...generated].filter(isStateNotification);
    expect(handled.length).toBeGreaterThan(15);
    for (const method of [
      'thread/started',
      'turn/completed',
      'item/agentMessage/delta',
      'serverRequest/resolved',
    ])
      expect(handled).toContain(method);
    for (const method of ['nope', 'toString', '__proto__', 'constructor', 'thread/start'])
      expect(isStateNotification(method)).toBe(false);
  });

  it('turns a turn into records and change events, in order', () => {
    const s = reducer();
    apply(s, 'thread/started', { thread: { id: 't', name: 'demo', cwd: '/w', status: { type: 'idle' } } }, 1);
    apply(s, 'turn/started', { threadId: 't', turn: { id: 'u', status: 'inProgress', items: [] } }, 2);
    const item = { type: 'agentMessage', id: 'm', text: '' };
    apply(s, 'item/started', { threadId: 't', turnId: 'u', item, startedAtMs: 3 }, 3);
    for (const delta of ['hel', 'lo'])
      apply(s, 'item/agentMessage/delta', { threadId: 't', turnId: 'u', itemId: 'm', delta }, 4);
    apply(
      s,
      'turn/completed',
      { threadId: 't', turn: { id: 'u', status: 'completed', items: [], durationMs: 9 } },
      5,
    );

    const thread = s.ledger.threads.get('t');
    expect(thread?.view()).toMatchObject({ name: 'demo', cwd: '/w', status: 'idle', activeTurnId: null });
    const turn = thread?.turns.get('u')?.view();
    expect(turn).toMatchObject({ status: 'completed', endedBy: 'server', durationMs: 9, startedAtMs: 2 });
    // The item never completed: the turn's end closed it, keeping the streamed text.
    expect(turn?.items).toEqual([
      expect.objectContaining({
        id: 'm',
        status: 'completed',
        closedByClient: true,
        text: expect.objectContaining({ text: 'hello' }),
      }),
    ]);
    expect(s.changes.map((c) => `${c.type}:${'reason' in c ? c.reason : ''}`)).toEqual([
      'thread:started',
      'turn:started',
      'item:started',
      'item:updated',
      'item:updated',
      'item:completed',
      'turn:completed',
    ]);
  });

  it('a failed turn takes the last non-retried error; retried errors are ignored', () => {
    const s = reducer();
    apply(s, 'turn/started', { threadId: 't', turn: { id: 'u' } }, 1);
    apply(s, 'error', { threadId: 't', turnId: 'u', willRetry: true, error: { message: 'retrying' } }, 2);
    apply(
      s,
      'error',
      { threadId: 't', turnId: 'u', willRetry: false, error: { message: 'final', additionalDetails: 'd' } },
      3,
    );
    apply(s, 'turn/completed', { threadId: 't', turn: { id: 'u', status: 'failed' } }, 4);
    expect(s.ledger.threads.get('t')?.turns.get('u')?.view().error).toEqual({
      message: 'final',
      codexErrorInfo: null,
      additionalDetails: 'd',
    });
  });

  it('payloads without a usable thread id change nothing and never throw', () => {
    const s = reducer();
    const odd: Record<string, unknown>[] = [
      {},
      { thread: 'x' },
      { thread: { id: 7 } },
      { threadId: 1, turn: null },
      { threadId: ['t'], turnId: 'u', item: [] },
      { threadId: null, turnId: 'u', item: { id: 'i', type: 'plan' } },
      { threadId: { id: 't' }, turnId: 'u', itemId: 'i', delta: 'x' },
      { turnId: 'u', itemId: 'i', changes: [] },
      { requestId: { a: 1 } },
    ];
    for (const method of Object.values(ServerNotificationMethods).filter(isStateNotification)) {
      for (const params of odd) expect(() => apply(s, method, params, 1)).not.toThrow();
    }
    expect(s.ledger.threads.size).toBe(0);
    expect(s.changes).toEqual([]);
    // An item without a type, a delta that is not text: the thread shows up, no item does.
    apply(s, 'turn/started', { threadId: 't', turn: { id: 'u' } }, 2);
    apply(s, 'item/started', { threadId: 't', turnId: 'u', item: { id: 'i' } }, 3);
    apply(s, 'item/agentMessage/delta', { threadId: 't', turnId: 'u', itemId: 'j', delta: 5 }, 3);
    expect(s.ledger.threads.get('t')?.turns.get('u')?.items.size).toBe(0);
  });

  it('a late notification of a finished, evicted turn does not bring it back', () => {
    const s = reducer({ maxTurnsPerThread: 1 });
    for (const id of ['a', 'b']) {
      apply(s, 'turn/started', { threadId: 't', turn: { id } }, 1);
      apply(s, 'turn/completed', { threadId: 't', turn: { id, status: 'completed' } }, 2);
    }
    expect([...(s.ledger.threads.get('t')?.turns.keys() ?? [])]).toEqual(['b']);
    apply(s, 'item/agentMessage/delta', { threadId: 't', turnId: 'a', itemId: 'm', delta: 'late' }, 3);
    expect([...(s.ledger.threads.get('t')?.turns.keys() ?? [])]).toEqual(['b']);
    expect(s.ledger.evicted.turns).toBe(1);
  });
});
