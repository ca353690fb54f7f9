import { describe, expect, it } from 'vitest';
import { Connection, type ServerRequest } from './connection.js';
import { CodexRpcError, CodexusError } from './errors.js';
import { MemoryTransport } from './memory-transport.js';

async function open(options: ConstructorParameters<typeof Connection>[1] = {}) {
  const transport = new MemoryTransport();
  const connection = new Connection(transport, options);
  await connection.start();
  connection.markReady();
  return { transport, server: transport.server, connection };
}

/** An echo server: answers every request with its params. */
function echo(server: MemoryTransport['server']) {
  server.onMessage((m) => {
    if (m.id !== undefined && typeof m.method === 'string')
      server.send({ id: m.id, result: { echo: m.params } });
  });
}

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('Connection (in-memory transport)', () => {
  it('writes requests without the jsonrpc member and resolves results', async () => {
    const { server, connection } = await open();
    echo(server);
    await expect(connection.request('thread/start', { cwd: '/x' })).resolves.toEqual({ echo: { cwd: '/x' } });
    expect(server.received[0]).toEqual({ id: 1, method: 'thread/start', params: { cwd: '/x' } });
  });

  it('routes by shape: a server request with the same id as ours is not taken for a response', async () => {
    const { server, connection } = await open();
    const seen: ServerRequest[] = [];
    connection.setServerRequestHandler((r) => seen.push(r));
    server.onMessage((m) => {
      if (m.method === 'turn/start') {
        server.send({ id: m.id, method: 'item/commandExecution/requestApproval', params: { command: 'ls' } });
        server.send({ id: m.id, result: { turn: { id: 't1' } } });
      }
    });
    const result = await connection.request('turn/start', {});
    expect(result).toEqual({ turn: { id: 't1' } });
    expect(seen.map((r) => [r.id, r.method])).toEqual([[1, 'item/commandExecution/requestApproval']]);
    await seen[0]!.respond({ decision: 'decline' });
    await new Promise((r) => setTimeout(r, 0));
    expect(server.received.at(-1)).toEqual({ id: 1, result: { decision: 'decline' } });
    await expect(seen[0]!.respond({ decision: 'accept' })).rejects.toThrow(/already answered/);
  });

  it('fans notifications out to every listener; a throwing listener does not break the others', async () => {
    const errors: string[] = [];
    const { server, connection } = await open({
      logger: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) },
    });
    const got: string[] = [];
    connection.on('turn/started', () => {
      throw new Error('boom');
    });
    const sub = connection.on('turn/started', (n) => got.push(`a:${n.method}:${n.emittedAtMs}`));
    connection.on('*', (n) => got.push(`*:${n.method}`));
    server.send({ method: 'turn/started', params: {}, emittedAtMs: 5 });
    server.send({ method: 'other', params: {} });
    await new Promise((r) => setTimeout(r, 0));
    sub.dispose();
    server.send({ method: 'turn/started', params: {} });
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual(['a:turn/started:5', '*:turn/started', '*:other', '*:turn/started']);
    expect(errors).toHaveLength(2);
    expect(connection.metrics().notificationsByMethod).toEqual({ 'turn/started': 2, other: 1 });
  });

  it('reports every answer once, whether written through the request object or by id', async () => {
    const { server, connection } = await open();
    const answered: [unknown, string][] = [];
    connection.onServerRequestAnswered((r, atMs) => {
      expect(atMs).toBeGreaterThanOrEqual(r.receivedAtMs);
      answered.push([r.id, r.method]);
    });
    server.send({ id: 0, method: 'item/commandExecution/requestApproval', params: {} });
    server.send({ id: 1, method: 'item/fileChange/requestApproval', params: {} });
    await new Promise((r) => setTimeout(r, 5));
    const [first] = connection.pendingServerRequests();
    await first!.respond({ decision: 'accept' });
    await connection.respondError(1, { code: -32000, message: 'no' });
    // An id the connection never saw is written as is, but nothing was answered.
    await connection.respond(7, {});
    expect(answered).toEqual([
      [0, 'item/commandExecution/requestApproval'],
      [1, 'item/fileChange/requestApproval'],
    ]);
    expect(connection.pendingServerRequests()).toEqual([]);
    expect((server.received as { id?: unknown }[]).map((m) => m.id)).toEqual([0, 1, 7]);
  });

  it('queues server requests without a handler and never answers them on its own', async () => {
    const { server, connection } = await open();
    server.send({ id: 0, method: 'item/fileChange/requestApproval', params: {} });
    server.send({ id: 1, method: 'some/unknownRequest', params: { a: 1 } });
    await new Promise((r) => setTimeout(r, 5));
    expect(server.received).toEqual([]);
    expect(connection.pendingServerRequests().map((r) => r.id)).toEqual([0, 1]);
    const iterator = connection.serverRequests()[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value.method).toBe('item/fileChange/requestApproval');
    // A handler set later gets the rest of the queue.
    const late: string[] = [];
    connection.setServerRequestHandler((r) => late.push(r.method));
    expect(late).toEqual(['some/unknownRequest']);
  });

  it('abort and timeout settle the call, ignore a late answer, and leave the connection usable', async () => {
    const { server, connection } = await open();
    const held: Record<string, unknown>[] = [];
    server.onMessage((m) => {
      if (m.method === 'slow') held.push(m);
      else if (m.id !== undefined) server.send({ id: m.id, result: 'fast' });
    });
    const controller = new AbortController();
    const aborted = connection.request('slow', {}, { signal: controller.signal });
    controller.abort(new Error('user'));
    const abortErr = await rejection(aborted);
    expect(CodexusError.is(abortErr, 'ABORTED')).toBe(true);
    const timeoutErr = await rejection(connection.request('slow', {}, { timeoutMs: 20 }));
    expect(CodexusError.is(timeoutErr, 'REQUEST_TIMEOUT')).toBe(true);
    expect(held).toHaveLength(2);
    for (const m of held) server.send({ id: m.id, result: 'late' });
    await expect(connection.request('fast')).resolves.toBe('fast');
    expect(connection.metrics().pendingRequests).toBe(0);
    // Each late answer is counted as matching nothing, not delivered and not lost silently.
    expect(connection.metrics().unmatchedResponses).toBe(held.length);
    await expect(connection.request('x', {}, { signal: AbortSignal.abort() })).rejects.toThrow(/aborted/);
  });

  it('rejects every pending request once with CONNECTION_CLOSED when the server dies, then refuses new ones', async () => {
    const { server, connection } = await open();
    const calls = [connection.request('a'), connection.request('b'), connection.request('c')];
    const queue = connection.serverRequests()[Symbol.asyncIterator]();
    const waiting = queue.next();
    server.crash({ exitCode: 137, signal: 'SIGKILL', stderrTail: 'panic: oh no' });
    const errors = await Promise.all(calls.map(rejection));
    for (const error of errors) {
      expect(CodexusError.is(error, 'CONNECTION_CLOSED')).toBe(true);
      expect((error as CodexusError).data).toMatchObject({
        exitCode: 137,
        signal: 'SIGKILL',
        stderrTail: 'panic: oh no',
      });
      expect((error as Error).message).toContain('panic: oh no');
    }
    await expect(waiting).rejects.toThrow(/connection closed/);
    await expect(connection.request('d')).rejects.toThrow(/connection closed/);
    expect(connection.state).toBe('closed');
    await expect(connection.closed).resolves.toMatchObject({ exitCode: 137 });
  });

  it('turns error answers into CodexRpcError and retries overload with backoff', async () => {
    const { server, connection } = await open({
      overloadRetry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    let attempts = 0;
    server.onMessage((m) => {
      if (m.method === 'busy') {
        attempts++;
        if (attempts < 3)
          server.send({ id: m.id, error: { code: -32001, message: 'Server overloaded; retry later' } });
        else server.send({ id: m.id, result: 'ok' });
      }
      if (m.method === 'bad')
        server.send({ id: m.id, error: { code: -32600, message: 'thread not found: x', data: 1 } });
      if (m.method === 'always-busy')
        server.send({ id: m.id, error: { code: -32001, message: 'overloaded' } });
    });
    await expect(connection.request('busy')).resolves.toBe('ok');
    expect(attempts).toBe(3);
    const err = await rejection(connection.request('bad'));
    expect(CodexRpcError.isInstance(err) && err.isThreadNotFound()).toBe(true);
    expect((err as CodexRpcError).rpcData).toBe(1);
    expect(CodexusError.is(err, 'RPC_THREAD_NOT_FOUND')).toBe(true);
    const busy = await rejection(connection.request('always-busy'));
    expect(CodexRpcError.isInstance(busy) && busy.isOverloaded()).toBe(true);
    expect(connection.metrics().overloadRetries).toBe(2 + 3);
  });

  it('drops and counts frames that are not JSON objects, and keeps working', async () => {
    const { server, connection } = await open();
    echo(server);
    server.send('not json');
    server.send('[1,2]');
    server.send('{"neither":"request nor response"}');
    await expect(connection.request('ping', 1)).resolves.toEqual({ echo: 1 });
    expect(connection.metrics().droppedLines).toBe(3);
  });

  it('correlates 200 concurrent requests answered out of order', async () => {
    const { server, connection } = await open();
    const held: Record<string, unknown>[] = [];
    server.onMessage((m) => {
      held.push(m);
      if (held.length === 200) for (const h of held.reverse()) server.send({ id: h.id, result: h.params });
    });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => connection.request('n', i)));
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });
});
