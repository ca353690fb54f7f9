import { MemoryTransport } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { Runtime } from './runtime.js';

/** A Runtime over an in-memory server that answers `initialize` and echoes `thread/start`. */
async function memoryRuntime() {
  const transport = new MemoryTransport();
  const { server } = transport;
  server.onMessage((m) => {
    if (m.method === 'initialize') server.send({ id: m.id, result: { userAgent: 'codexus/0.171.0 (test)' } });
    else if (m.method === 'thread/start') server.send({ id: m.id, result: { thread: { id: 'th-1' } } });
  });
  const runtime = await Runtime.start({ transport: () => transport });
  return { runtime, server };
}

describe('the typed peer over an in-memory server', () => {
  it('request sends the method and params as given and resolves with the result', async () => {
    const { runtime, server } = await memoryRuntime();
    const started = await runtime.request('thread/start', { cwd: '/w' });
    expect(started.thread.id).toBe('th-1');
    expect(server.received.at(-1)).toMatchObject({ method: 'thread/start', params: { cwd: '/w' } });
    expect(server.received.at(-1)).not.toHaveProperty('jsonrpc');
    await runtime.close();
  });

  it('events(filter, {signal}) yields only the listed methods and ends when the signal aborts', async () => {
    const { runtime, server } = await memoryRuntime();
    const controller = new AbortController();
    const events = runtime.events({ methods: ['turn/started'] }, { signal: controller.signal });
    server.send({ method: 'item/started', params: { threadId: 't', item: { id: 'i', type: 'x' } } });
    server.send({ method: 'turn/started', params: { threadId: 't', turn: { id: 'u1' } } });
    const first = await events.next();
    expect(first.value?.method).toBe('turn/started');
    expect(first.value?.params.turn.id).toBe('u1');
    controller.abort();
    // Ended by the signal, not by the runtime closing: the runtime is still up.
    await expect(events.next()).resolves.toEqual({ value: undefined, done: true });
    expect(runtime.lifecycle).toBe('ready');
    // An already aborted signal ends at once.
    const none = runtime.events({}, { signal: AbortSignal.abort() });
    await expect(none.next()).resolves.toMatchObject({ done: true });
    await runtime.close();
  });

  it('onServerRequest(method) sees only that method; without one, every request', async () => {
    const { runtime, server } = await memoryRuntime();
    const toolCalls: string[] = [];
    const all: string[] = [];
    runtime.onServerRequest('item/tool/call', (request) => toolCalls.push(request.params.tool));
    runtime.onServerRequest((request) => all.push(request.method));
    server.send({ id: 0, method: 'item/commandExecution/requestApproval', params: { threadId: 't' } });
    server.send({
      id: 1,
      method: 'item/tool/call',
      params: { threadId: 't', turnId: 'u', callId: 'c', tool: 'get_weather', arguments: {} },
    });
    await expect.poll(() => all.length, { timeout: 2_000 }).toBe(2);
    expect(toolCalls).toEqual(['get_weather']);
    await runtime.close();
  });
});
