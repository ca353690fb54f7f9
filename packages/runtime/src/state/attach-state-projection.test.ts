import type { RequestId, ServerNotification, ServerRequest } from '@codexus/core';
import { Emitter } from '@codexus/core/internal';
import { describe, expect, it } from 'vitest';
import type { RuntimeState } from '../runtime-state.js';
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
  state: RuntimeState = 'ready';
  restarts = 0;
  onServerRequest(listener: (request: ServerRequest) => void) {
    return this.requests.on('*', listener);
  }
  onServerRequestAnswered(listener: (id: RequestId, atMs: number) => void) {
    return this.answers.on('*', ({ id, atMs }) => listener(id, atMs));
  }
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

  it('server requests: pending when they arrive, gone when answered or withdrawn by the server', () => {
    const source = new FakeSource();
    const { projection, dispose } = attachStateProjection(source, { protocolRevision: REVISION });
    source.requests.emit('*', request('a', 't'));
    source.requests.emit('*', request(1, 't'));
    expect(projection.pendingServerRequests().map((r) => r.id)).toEqual(['a', 1]);
    source.answers.emit('*', { id: 'a', atMs: Date.now() });
    expect(projection.pendingServerRequests().map((r) => r.id)).toEqual([1]);
    source.notify('serverRequest/resolved', { threadId: 't', requestId: 1 });
    expect(projection.pendingServerRequests()).toEqual([]);
    dispose();
    source.requests.emit('*', request('b', 't'));
    expect(projection.pendingServerRequests()).toEqual([]);
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
