import { readFileSync } from 'node:fs';
import { CodexusError, type RequestId } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { StateProjection } from './state-projection.js';
import type { StateChange } from './state-view.js';
import { REVISION, syntheticTurn } from './testdata/synthetic-turn.js';

type WireEntry =
  | { kind: 'notification'; method: string; params: unknown; atMs: number }
  | { kind: 'request'; id: RequestId; method: string; params: unknown; atMs: number }
  | { kind: 'answered'; id: RequestId; atMs: number };

/** A real session of codex 0.169.0 (text, command, patch, failure, interrupt, approval), as recorded on the wire. */
const SESSION: WireEntry[] = readFileSync(
  new URL('./testdata/codex-0.169.0-session.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as WireEntry);

function feed(projection: StateProjection, entry: WireEntry): void {
  if (entry.kind === 'notification') projection.applyNotification(entry.method, entry.params, entry.atMs);
  else if (entry.kind === 'request')
    projection.applyServerRequest(entry.id, entry.method, entry.params, entry.atMs);
  else projection.applyServerRequestAnswered(entry.id, entry.atMs);
}

describe('StateProjection on a recorded codex session', () => {
  it('matches what codex did: text, reasoning, command output, file change, failure, interrupt, approval', () => {
    const p = new StateProjection({ protocolRevision: REVISION });
    p.applyLifecycle('ready', { codexVersion: '0.169.0', restarts: 0, atMs: 0 });
    const changes: StateChange[] = [];
    p.subscribe((c) => changes.push(c));
    for (const entry of SESSION) {
      feed(p, entry);
      if (entry.kind === 'request') {
        const [pending] = p.pendingServerRequests(entry.atMs + 40);
        expect(pending).toMatchObject({
          id: 0,
          method: 'item/commandExecution/requestApproval',
          itemId: 'call_3',
          ageMs: 40,
        });
        expect(p.thread(pending!.threadId!)?.activeFlags).toEqual(['waitingOnApproval']);
      }
    }
    const state = p.get();
    expect(state.connection).toMatchObject({ state: 'ready', codexVersion: '0.169.0', restarts: 0 });
    expect(state.pendingServerRequests).toEqual([]);
    expect(state.threads).toHaveLength(1);
    const thread = state.threads[0]!;
    expect(thread).toMatchObject({ status: 'idle', activeTurnId: null, activeFlags: [] });
    expect(thread.cwd).toMatch(/codexus-ws-/);
    expect(thread.tokenUsage?.total.totalTokens).toBe(105);
    expect(thread.lastDiff?.diff.text).toContain('+++ b/a.txt');
    expect(thread.turns.map((t) => t.status)).toEqual([
      'completed',
      'completed',
      'completed',
      'failed',
      'interrupted',
      'completed',
    ]);
    for (const turn of thread.turns) {
      expect(turn.endedBy).toBe('server');
      expect(turn.durationMs).toBeGreaterThanOrEqual(0);
      expect(turn.completedAtMs).toBeGreaterThanOrEqual(turn.startedAtMs!);
    }
    const [text, command, patch, failed, interrupted, approval] = thread.turns;
    const byType = (turn: typeof text, type: string) => turn!.items.filter((i) => i.type === type);
    expect(byType(text, 'reasoning')[0]?.text?.text).toBe('thinking');
    expect(byType(text, 'agentMessage')[0]).toMatchObject({
      status: 'completed',
      text: { text: 'hello world', droppedBytes: 0 },
    });
    expect(byType(command, 'commandExecution')[0]).toMatchObject({
      status: 'completed',
      exitCode: 0,
      output: { text: 'line1\nline2\nline3\nerr\n', droppedBytes: 0 },
    });
    const change = byType(patch, 'fileChange')[0]!;
    expect(change.status).toBe('completed');
    expect(change.changes).toHaveLength(1);
    expect(change.changes![0]).toMatchObject({ kind: 'add', diff: { text: 'hello\n' } });
    expect(change.changes![0]!.path).toMatch(/a\.txt$/);
    expect(failed!.error).toMatchObject({
      message: 'stream disconnected before completion: boom',
      codexErrorInfo: 'other',
    });
    expect(interrupted!.error).toBeNull();
    expect(byType(approval, 'commandExecution')[0]).toMatchObject({ status: 'completed', exitCode: 0 });
    const requestEvents = changes
      .filter((c) => c.type === 'serverRequest')
      .map((c) => c.type === 'serverRequest' && c.reason);
    expect(requestEvents).toEqual(['pending', 'answered']);
    expect(p.stats().notifications.ignored).toBeGreaterThan(0); // warnings, configWarning
  });

  it('shows streamed text while it streams', () => {
    const p = new StateProjection({ protocolRevision: REVISION });
    const upTo = SESSION.findIndex(
      (e) => e.kind === 'notification' && e.method === 'item/agentMessage/delta',
    );
    for (const entry of SESSION.slice(0, upTo + 2)) feed(p, entry);
    const [thread] = p.get().threads;
    const turn = thread!.turns[0]!;
    expect(thread!.activeTurnId).toBe(turn.id);
    expect(turn.status).toBe('inProgress');
    expect(turn.items.find((i) => i.type === 'agentMessage')).toMatchObject({
      status: 'inProgress',
      text: { text: 'hello ' },
    });
  });

  it('is serializable: the snapshot survives JSON and restores the same finished turns', () => {
    const p = new StateProjection({ protocolRevision: REVISION });
    for (const entry of SESSION) feed(p, entry);
    const snapshot = JSON.parse(JSON.stringify(p.snapshot(5_000)));
    const restored = new StateProjection({ protocolRevision: REVISION });
    expect(restored.restore(snapshot)).toBe(1);
    const [before] = p.get().threads;
    const [after] = restored.get().threads;
    expect(after!.status).toBe('notLoaded');
    expect(after!.turns).toEqual(before!.turns);
    expect(after!.tokenUsage).toEqual(before!.tokenUsage);
  });
});

describe('StateProjection lifecycle', () => {
  it('a restart closes running turns (interrupted, by the client), unloads threads and drops pending requests', () => {
    const p = new StateProjection({ protocolRevision: REVISION });
    p.applyLifecycle('ready', { codexVersion: '0.169.0', restarts: 0, atMs: 1 });
    syntheticTurn(p, 't1', 'u1', 10, { complete: false });
    p.applyNotification(
      'item/started',
      { threadId: 't1', turnId: 'u1', item: { type: 'agentMessage', id: 'open', text: '' } },
      11,
    );
    p.applyServerRequest(7, 'item/tool/requestUserInput', { threadId: 't1', turnId: 'u1' }, 12);
    const changes: StateChange[] = [];
    p.subscribe((c) => changes.push(c));
    p.applyLifecycle('restarting', { atMs: 20 });
    const thread = p.thread('t1')!;
    expect(thread).toMatchObject({ status: 'notLoaded', activeTurnId: null });
    expect(thread.turns[0]).toMatchObject({
      status: 'interrupted',
      endedBy: 'client',
      completedAtMs: 20,
      durationMs: 10,
    });
    expect(thread.turns[0]!.error?.message).toMatch(/connection is restarting/);
    expect(thread.turns[0]!.items.find((i) => i.id === 'open')).toMatchObject({
      status: 'failed',
      closedByClient: true,
    });
    expect(p.pendingServerRequests()).toEqual([]);
    expect(changes.map((c) => c.type)).toEqual(['connection', 'item', 'turn', 'thread', 'serverRequest']);
    expect(changes[1]).toMatchObject({ type: 'item', itemId: 'open', reason: 'completed' });
    p.applyLifecycle('ready', { codexVersion: '0.170.0', restarts: 1, atMs: 30 });
    expect(p.get().connection).toEqual({
      state: 'ready',
      codexVersion: '0.170.0',
      restarts: 1,
      changedAtMs: 30,
    });
    // A thread seen again on the new process is loaded again.
    p.applyNotification(
      'thread/tokenUsage/updated',
      { threadId: 't1', turnId: 'u1', tokenUsage: { total: {}, last: {} } },
      31,
    );
    expect(p.thread('t1')?.status).toBe('idle');
    p.applyLifecycle('closed', { atMs: 40 });
    const version = p.version;
    p.applyNotification(
      'thread/status/changed',
      { threadId: 't1', status: { type: 'active', activeFlags: [] } },
      41,
    );
    expect(p.version).toBe(version);
    expect(p.thread('t1')?.status).toBe('notLoaded');
  });

  it('a late notification of a finished turn does not bring it back', () => {
    const p = new StateProjection({ protocolRevision: REVISION, limits: { maxTurnsPerThread: 1 } });
    syntheticTurn(p, 't', 'old', 1);
    syntheticTurn(p, 't', 'new', 10);
    expect(p.thread('t')!.turns.map((t) => t.id)).toEqual(['new']);
    p.applyNotification(
      'item/agentMessage/delta',
      { threadId: 't', turnId: 'old', itemId: 'x', delta: 'late' },
      20,
    );
    p.applyNotification(
      'item/agentMessage/delta',
      { threadId: 't', turnId: 'new', itemId: `new-m`, delta: 'late' },
      20,
    );
    expect(p.thread('t')!.turns.map((t) => t.id)).toEqual(['new']);
    expect(p.turn('t', 'new')!.items.find((i) => i.id === 'new-m')?.text?.text).toBe('done new');
  });

  it('serverRequest/resolved withdraws a pending request; thread/deleted and thread/closed are applied', () => {
    const p = new StateProjection({ protocolRevision: REVISION });
    p.applyNotification('thread/started', { thread: { id: 'a', status: { type: 'idle' }, name: 'n' } }, 1);
    p.applyServerRequest('r1', 'item/fileChange/requestApproval', { threadId: 'a' }, 2);
    p.applyNotification('serverRequest/resolved', { threadId: 'a', requestId: 'r1' }, 3);
    expect(p.pendingServerRequests()).toEqual([]);
    p.applyNotification('thread/archived', { threadId: 'a' }, 4);
    expect(p.thread('a')).toMatchObject({ archived: true, name: 'n' });
    p.applyNotification('thread/closed', { threadId: 'a' }, 5);
    expect(p.thread('a')?.status).toBe('notLoaded');
    p.applyNotification('thread/deleted', { threadId: 'a' }, 6);
    expect(p.thread('a')).toBeUndefined();
    expect(p.stats().retainedBytes).toBe(0);
  });
});

describe('StateProjection subscribers', () => {
  it('subscribe returns a disposable; a throwing listener does not stop the others', () => {
    const p = new StateProjection({ protocolRevision: REVISION });
    const seen: string[] = [];
    p.subscribe(() => {
      throw new Error('listener bug');
    });
    const subscription = p.subscribe((c) => seen.push(c.type));
    syntheticTurn(p, 't', 'u', 1, { items: 0 });
    const count = seen.length;
    expect(count).toBeGreaterThan(3);
    subscription.dispose();
    syntheticTurn(p, 't', 'u2', 10, { items: 0 });
    expect(seen.length).toBe(count);
  });

  it('changes() is an async iterable; a slow reader gets one resync instead of an unbounded queue', async () => {
    const p = new StateProjection({ protocolRevision: REVISION });
    const stream = p.changes({ maxBuffered: 5 });
    for (let i = 0; i < 20; i++) p.applyNotification('thread/started', { thread: { id: `t${i}` } }, i);
    // Three overflows folded 16 events into one resync; the 4 newest events follow it.
    expect((await stream.next()).value).toMatchObject({ type: 'resync', dropped: 16 });
    for (let i = 16; i < 20; i++) expect((await stream.next()).value).toMatchObject({ threadId: `t${i}` });
    p.applyNotification('thread/name/updated', { threadId: 't1', threadName: 'x' }, 30);
    expect((await stream.next()).value).toMatchObject({ type: 'thread', threadId: 't1', reason: 'name' });
    p.close();
    expect((await stream.next()).done).toBe(true);
    const controller = new AbortController();
    const other = new StateProjection({ protocolRevision: REVISION });
    const events: StateChange[] = [];
    const reading = (async () => {
      for await (const change of other.changes({ signal: controller.signal })) events.push(change);
    })();
    other.applyNotification('thread/started', { thread: { id: 'z' } }, 1);
    await new Promise((r) => setImmediate(r));
    controller.abort();
    await reading;
    expect(events.map((e) => e.type)).toEqual(['thread']);
  });
});

describe('StateProjection snapshots', () => {
  const running = (): StateProjection => {
    const p = new StateProjection({ protocolRevision: REVISION });
    syntheticTurn(p, 'done', 'd1', 1);
    syntheticTurn(p, 'live', 'l1', 5, { complete: false });
    return p;
  };

  it('restore marks threads notLoaded and closes turns that were running', () => {
    const snapshot = running().snapshot(50);
    expect(snapshot).toMatchObject({ formatVersion: 1, protocolRevision: REVISION, takenAtMs: 50 });
    const p = new StateProjection({ protocolRevision: REVISION, now: () => 60 });
    expect(p.restore(snapshot)).toBe(2);
    for (const thread of p.get().threads)
      expect(thread).toMatchObject({ status: 'notLoaded', activeTurnId: null });
    expect(p.turn('live', 'l1')).toMatchObject({
      status: 'interrupted',
      endedBy: 'client',
      completedAtMs: 60,
    });
    expect(p.turn('done', 'd1')).toMatchObject({ status: 'completed', endedBy: 'server' });
  });

  it('live data wins over the snapshot, and a restored thread loads again when codex talks about it', () => {
    const snapshot = running().snapshot();
    const p = new StateProjection({ protocolRevision: REVISION });
    p.applyNotification('thread/started', { thread: { id: 'live', name: 'fresh' } }, 100);
    expect(p.restore(snapshot)).toBe(1);
    expect(p.thread('live')).toMatchObject({ name: 'fresh', status: 'idle', turns: [] });
    syntheticTurn(p, 'done', 'd2', 200);
    expect(p.thread('done')).toMatchObject({ status: 'idle' });
    expect(p.thread('done')!.turns.map((t) => t.id)).toEqual(['d1', 'd2']);
  });

  it('refuses a snapshot of another protocol revision, another format, or a malformed one', () => {
    const snapshot = running().snapshot();
    const p = new StateProjection({ protocolRevision: 'sha256:other' });
    const refused = (() => {
      try {
        p.restore(snapshot);
      } catch (error) {
        return error;
      }
    })();
    expect(CodexusError.is(refused, 'VALIDATION_FAILED')).toBe(true);
    expect((refused as Error).message).toContain(`taken under protocol revision ${REVISION}`);
    expect((refused as CodexusError).data).toEqual({
      snapshotRevision: REVISION,
      expectedRevision: 'sha256:other',
    });
    expect(p.get().threads).toEqual([]);
    expect(() => p.restore({ ...snapshot, formatVersion: 2 })).toThrow(/format version 2/);
    const broken = structuredClone(snapshot) as unknown as {
      state: { threads: { turns: { items: unknown[] }[] }[] };
    };
    broken.state.threads[0]!.turns[0]!.items.push({ id: 3 });
    expect(() => new StateProjection({ protocolRevision: REVISION }).restore(broken)).toThrow(
      /invalid state snapshot at \$\.state\.threads\[0\]\.turns\[0\]\.items\[\d+\]\.id/,
    );
  });

  it('restores another revision through a migration', () => {
    const snapshot = running().snapshot();
    const p = new StateProjection({ protocolRevision: 'sha256:next' });
    const added = p.restore(snapshot, {
      migrate: (old, target) => ({ ...old, protocolRevision: target }),
    });
    expect(added).toBe(2);
  });
});
