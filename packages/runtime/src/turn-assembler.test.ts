import { describe, expect, it } from 'vitest';
import { TurnAssembler } from './turn-assembler.js';

const T = 'thread-1';
const U = 'turn-1';
const agent = (id: string, text: string) => ({ type: 'agentMessage', id, text });

describe('TurnAssembler', () => {
  it('assembles text from deltas, prefers the completed text, and keeps item order', () => {
    const a = new TurnAssembler(T, U, 1_000);
    a.apply('turn/started', { threadId: T, turn: { id: U } });
    a.apply('item/started', { threadId: T, turnId: U, item: { type: 'userMessage', id: 'u', content: [] } });
    a.apply('item/started', { threadId: T, turnId: U, item: agent('m1', '') });
    const deltas = ['Hel', 'lo'].flatMap((d) =>
      a.apply('item/agentMessage/delta', { itemId: 'm1', delta: d }),
    );
    expect(deltas.map((e) => e.type)).toEqual(['textDelta', 'textDelta']);
    a.apply('item/completed', { threadId: T, turnId: U, item: agent('m1', 'Hello') });
    a.apply('thread/tokenUsage/updated', {
      tokenUsage: { total: { totalTokens: 7 }, last: { totalTokens: 7 } },
    });
    const done = a.apply('turn/completed', { threadId: T, turn: { id: U, status: 'completed' } });
    expect(done).toEqual([{ type: 'turnCompleted', status: 'completed' }]);
    const r = a.result(1_250);
    expect(r).toMatchObject({
      status: 'completed',
      text: 'Hello',
      durationMs: 250,
      usage: { total: { totalTokens: 7 } },
    });
    expect(r.items.map((i) => i.id)).toEqual(['u', 'm1']);
  });

  it('falls back to deltas when the completed item has no text, and to the last message', () => {
    const a = new TurnAssembler(T, U);
    a.apply('item/agentMessage/delta', { itemId: 'm1', delta: 'first' });
    a.apply('item/agentMessage/delta', { itemId: 'm2', delta: 'second' });
    a.apply('turn/completed', { turn: { status: 'completed' } });
    expect(a.result().text).toBe('second');
  });

  it('closes items left open when the turn ends, and ignores events after completion', () => {
    const a = new TurnAssembler(T, U);
    a.apply('item/started', {
      item: { type: 'commandExecution', id: 'c1', status: 'inProgress', command: 'sleep 9' },
    });
    a.apply('turn/completed', { turn: { status: 'interrupted' } });
    expect(
      a.apply('item/completed', { item: { type: 'commandExecution', id: 'c1', status: 'completed' } }),
    ).toEqual([]);
    const [item] = a.result().items;
    expect(item).toMatchObject({ id: 'c1', status: 'failed', closedByClient: true });
    expect(a.result().status).toBe('interrupted');
  });

  it('keeps the server error of a failed turn (from turn/completed, else the last error event)', () => {
    const a = new TurnAssembler(T, U);
    const error = { message: 'boom', codexErrorInfo: 'usageLimitExceeded' };
    const events = a.apply('error', { error, willRetry: false });
    expect(events).toEqual([{ type: 'error', error, willRetry: false }]);
    a.apply('turn/completed', { turn: { status: 'failed', error: null } });
    expect(a.result()).toMatchObject({ status: 'failed', error });
  });

  it('tracks diff and plan, maps reasoning and command output deltas, and skips malformed payloads', () => {
    const a = new TurnAssembler(T, U);
    expect(a.apply('turn/diff/updated', { diff: '--- a\n+++ b' })).toEqual([
      { type: 'diffUpdated', diff: '--- a\n+++ b' },
    ]);
    a.apply('turn/plan/updated', { plan: [{ step: 'x', status: 'pending' }], explanation: null });
    expect(a.apply('item/reasoning/summaryTextDelta', { itemId: 'r', delta: 'hm' })[0]?.type).toBe(
      'reasoningDelta',
    );
    expect(a.apply('item/commandExecution/outputDelta', { itemId: 'c', delta: 'out' })[0]?.type).toBe(
      'commandOutputDelta',
    );
    expect(a.apply('item/started', { item: { no: 'id' } })).toEqual([]);
    expect(a.apply('item/started', 'not an object')).toEqual([]);
    expect(a.apply('some/unknown', {})).toEqual([]);
    expect(a.result()).toMatchObject({ diff: '--- a\n+++ b', plan: [{ step: 'x' }] });
  });

  it('forceComplete ends a turn the server never completed, once', () => {
    const a = new TurnAssembler(T, U);
    expect(a.forceComplete('failed')).toEqual([{ type: 'turnCompleted', status: 'failed' }]);
    expect(a.forceComplete('failed')).toEqual([]);
    expect(a.done).toBe(true);
  });
});
