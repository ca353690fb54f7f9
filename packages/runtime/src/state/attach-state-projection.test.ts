import { Emitter, type RequestId, type ServerNotification, type ServerRequest } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import type { RuntimeState } from '../runtime.js';
import { attachStateProjection, type StateSource } from './attach-state-projection.js';
import { MemoryStateStore } from './state-store.js';

const REVISION = 'sha256:attach-test';

/** A stand-in for a Runtime: the attachment only sees the StateSource surface. */
class FakeSource implements StateSource {
  readonly server = { codexVersion: '0.169.0' };
  readonly notifications = new Emitter<ServerNotification>();
  readonly lifecycle = new Emitter<RuntimeState>();
  readonly requests = new Emitter<ServerRequest>();
  readonly answers = new Emitter<{ id: RequestId; atMs: number }>();
  open: ServerRequest[] = [];
  state: RuntimeState = 'ready';
  restarts = 0;
  readonly connection = { pendingServerRequests: () => this.open };
  on(method: string, listener: (n: ServerNotification) => void) {
    return this.notifications.on(method, listener);
  }
  onStateChange(listener: (state: RuntimeState) => void) {
    return this.lifecycle.on('*', listener);
  }
  metrics() {
    return { state: this.state, restarts: this.restarts };
  }
  notify(method: string, params: unknown): void {
    this.notifications.emit(method, { method, params, receivedAtMs: Date.now() });
  }
  setState(state: RuntimeState): void {
    this.state = state;
    this.lifecycle.emit(state, state);
  }
}

function request(id: RequestId, threadId: string): ServerRequest {
  return {
    id,
    method: 'item/commandExecution/requestApproval',
    params: { threadId, turnId: 'u', itemId: 'i' },
    receivedAtMs: Date.now(),
    answered: false,
    respond: async () => {},
    respondError: async () => {},
  };
}

describe('attachStateProjection', () => {
  it('feeds notifications and lifecycle; stops on dispose', () => {
    const source = new FakeSource();
    const attachment = attachStateProjection(source, { protocolRevision: REVISION });
    const { projection } = attachment;
    expect(projection.get().connection).toMatchObject({
      state: 'ready',
      codexVersion: '0.169.0',
      restarts: 0,
    });
    source.notify('thread/started', { thread: { id: 't', status: { type: 'idle' } } });
    expect(projection.thread('t')?.status).toBe('idle');
    source.restarts = 1;
    source.setState('restarting');
    source.setState('ready');
    expect(projection.get().connection).toMatchObject({ state: 'ready', restarts: 1 });
    expect(projection.thread('t')?.status).toBe('notLoaded');
    attachment.dispose();
    source.notify('thread/started', { thread: { id: 'u' } });
    expect(projection.thread('u')).toBeUndefined();
  });

  it('without hooks: reads pending requests from the connection; a withdrawn, unanswered one is not shown again', () => {
    const source = new FakeSource();
    const { projection, dispose } = attachStateProjection(source, {
      protocolRevision: REVISION,
      serverRequestPollMs: 0,
    });
    source.open = [request(0, 't')];
    source.notify('thread/status/changed', {
      threadId: 't',
      status: { type: 'active', activeFlags: ['waitingOnApproval'] },
    });
    expect(projection.pendingServerRequests().map((r) => r.id)).toEqual([0]);
    // Answered: gone from the connection's list.
    source.open = [];
    source.notify('item/started', {
      threadId: 't',
      turnId: 'u',
      item: { id: 'i', type: 'commandExecution' },
    });
    expect(projection.pendingServerRequests()).toEqual([]);
    // Withdrawn by the server: the router never answers it, so the connection still lists it.
    source.open = [request(1, 't')];
    source.notify('thread/tokenUsage/updated', { threadId: 't', turnId: 'u', tokenUsage: {} });
    expect(projection.pendingServerRequests().map((r) => r.id)).toEqual([1]);
    source.notify('serverRequest/resolved', { threadId: 't', requestId: 1 });
    source.notify('thread/status/changed', { threadId: 't', status: { type: 'idle' } });
    expect(projection.pendingServerRequests()).toEqual([]);
    dispose();
  });

  it('with the runtime hooks: exact pending and answered', () => {
    const source = new FakeSource();
    const hooked: StateSource = Object.assign(source, {
      onServerRequest: (fn: (r: ServerRequest) => void) => source.requests.on('*', fn),
      onServerRequestAnswered: (fn: (id: RequestId, atMs: number) => void) =>
        source.answers.on('*', ({ id, atMs }) => fn(id, atMs)),
    });
    const { projection, dispose } = attachStateProjection(hooked, { protocolRevision: REVISION });
    source.requests.emit('*', request('a', 't'));
    expect(projection.pendingServerRequests().map((r) => r.id)).toEqual(['a']);
    source.answers.emit('*', { id: 'a', atMs: Date.now() });
    expect(projection.pendingServerRequests()).toEqual([]);
    dispose();
  });

  it('restores on start, snapshots on an interval, and once more on close', async () => {
    const store = new MemoryStateStore();
    const first = new FakeSource();
    const a = attachStateProjection(first, { protocolRevision: REVISION, store, snapshotIntervalMs: 10 });
    expect(await a.restored).toEqual({ status: 'empty' });
    first.notify('thread/started', { thread: { id: 'kept' } });
    const deadline = Date.now() + 5_000;
    while (!(await store.load())?.state.threads.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await store.load())?.state.threads.map((t) => t.id)).toEqual(['kept']);
    first.notify('thread/name/updated', { threadId: 'kept', threadName: 'last words' });
    await a.close();
    expect((await store.load())?.state.threads[0]?.name).toBe('last words');

    const b = attachStateProjection(new FakeSource(), { protocolRevision: REVISION, store });
    expect(await b.restored).toEqual({ status: 'restored', threads: 1 });
    expect(b.projection.thread('kept')).toMatchObject({ status: 'notLoaded', name: 'last words' });
    b.dispose();
    const c = attachStateProjection(new FakeSource(), { protocolRevision: 'sha256:other', store });
    const outcome = await c.restored;
    expect(outcome).toMatchObject({ status: 'refused', error: { code: 'VALIDATION_FAILED' } });
    c.dispose();
  });

  it('the runtime closing writes the last snapshot and ends change streams', async () => {
    const store = new MemoryStateStore();
    const source = new FakeSource();
    const { projection } = attachStateProjection(source, { protocolRevision: REVISION, store });
    const stream = projection.changes();
    source.notify('thread/started', { thread: { id: 'x' } });
    source.setState('closed');
    const seen: string[] = [];
    for await (const change of stream) seen.push(change.type);
    expect(seen).toEqual(['thread', 'connection', 'thread']);
    const deadline = Date.now() + 5_000;
    while (!(await store.load()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect((await store.load())?.state.threads[0]).toMatchObject({ id: 'x', status: 'notLoaded' });
  });
});
