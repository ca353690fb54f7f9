import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connection, type ServerRequest } from './connection.js';
import { CodexusError } from './errors.js';
import { MemoryTransport } from './memory-transport.js';

async function open(options: ConstructorParameters<typeof Connection>[1] = {}) {
  const transport = new MemoryTransport();
  // A bound for every call: a request the fix fails to settle ends as REQUEST_TIMEOUT, not a hang.
  const connection = new Connection(transport, { requestTimeoutMs: 2_000, ...options });
  await connection.start();
  connection.markReady();
  return { server: transport.server, connection };
}

/** The error `promise` rejects with (a resolution fails the test). */
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );

/** The server answers `thread/read` with the raw `line` (made with the request's id). */
function answerWith(server: MemoryTransport['server'], line: (id: unknown) => string) {
  server.onMessage((m) => {
    if (m.method === 'thread/read') server.send(line(m.id));
  });
}

describe('Connection: malformed responses', () => {
  // Strict semantics: an unhandled rejection or uncaught exception anywhere fails the test.
  const escaped: unknown[] = [];
  const collect = (error: unknown) => escaped.push(error);
  beforeEach(() => {
    escaped.length = 0;
    process.on('unhandledRejection', collect);
    process.on('uncaughtException', collect);
  });
  afterEach(async () => {
    // Let anything a settled promise left behind surface before looking.
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('unhandledRejection', collect);
    process.off('uncaughtException', collect);
    expect(escaped).toEqual([]);
  });

  const shapes: [string, (id: unknown) => string][] = [
    ['error without message', (id) => `{"id":${id},"error":{"code":-32600}}`],
    ['error with a null message', (id) => `{"id":${id},"error":{"code":-32600,"message":null}}`],
    ['error with a non-number code', (id) => `{"id":${id},"error":{"code":"x","message":"m"}}`],
    ['error that is a string', (id) => `{"id":${id},"error":"str"}`],
    ['error that is an empty object', (id) => `{"id":${id},"error":{}}`],
    ['error that is an array', (id) => `{"id":${id},"error":[1]}`],
    ['error that is null', (id) => `{"id":${id},"error":null}`],
    ['both result and error', (id) => `{"id":${id},"result":1,"error":{"code":-32600,"message":"m"}}`],
    ['neither result nor error', (id) => `{"id":${id},"other":true}`],
  ];
  for (const [name, line] of shapes) {
    it(`rejects the request with PROTOCOL_VIOLATION on a response with ${name}`, async () => {
      const { server, connection } = await open();
      answerWith(server, line);
      const error = await rejection(connection.request('thread/read', {}));
      expect(CodexusError.is(error, 'PROTOCOL_VIOLATION')).toBe(true);
      const data = (error as CodexusError).data as { method: string; line: string; response: unknown };
      expect(data.method).toBe('thread/read');
      expect(data.line).toBe(line(1));
      expect(data.response).toEqual(JSON.parse(line(1)));
      // The connection goes on: the next call is answered normally.
      server.onMessage((m) => {
        if (m.method === 'next') server.send({ id: m.id, result: 'fine' });
      });
      await expect(connection.request('next')).resolves.toBe('fine');
      expect(connection.metrics().pendingRequests).toBe(0);
    });
  }

  it('drops and counts a malformed response that matches no pending request', async () => {
    const { server, connection } = await open();
    server.send('{"id":77,"error":"str"}');
    server.onMessage((m) => server.send({ id: m.id, result: 'ok' }));
    await expect(connection.request('ping')).resolves.toBe('ok');
    expect(connection.metrics().droppedLines).toBe(1);
  });

  it('still turns a well-formed error into CodexRpcError with its data', async () => {
    const { server, connection } = await open();
    answerWith(
      server,
      (id) => `{"id":${id},"error":{"code":-32600,"message":"thread not found: x","data":[1]}}`,
    );
    const error = await rejection(connection.request('thread/read'));
    expect(error).toMatchObject({
      name: 'CodexRpcError',
      code: 'RPC_THREAD_NOT_FOUND',
      rpcCode: -32600,
      rpcData: [1],
      kind: 'threadNotFound',
    });
  });
});

describe('Connection: server-request ids beyond 2^53', () => {
  /** A connection whose outgoing lines are recorded exactly as written to the transport. */
  async function recording() {
    const transport = new MemoryTransport();
    const sent: string[] = [];
    const send = transport.send.bind(transport);
    transport.send = (text) => {
      sent.push(text);
      return send(text);
    };
    const connection = new Connection(transport);
    await connection.start();
    return { server: transport.server, connection, sent };
  }

  const bigIds = ['9007199254740993', '-9007199254740993', '18446744073709551615', '1e400'];
  for (const rawId of bigIds) {
    it(`echoes the id ${rawId} exactly as the server wrote it`, async () => {
      const { server, connection, sent } = await recording();
      const requests: ServerRequest[] = [];
      connection.setServerRequestHandler((r) => requests.push(r));
      // A nested "id" first: only the top-level member is the request's id.
      server.send(
        `{"params":{"id":1,"s":"\\"id\\":2"},"method":"item/tool/call","id":${rawId},"x":[{"id":3}]}`,
      );
      server.send(`{"id":${rawId},"method":"item/tool/requestUserInput","params":{}}`);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(requests).toHaveLength(2);
      await requests[0]!.respond({ ok: true });
      await requests[1]!.respondError({ code: -32000, message: 'no' });
      expect(sent).toEqual([
        `{"id":${rawId},"result":{"ok":true}}`,
        `{"id":${rawId},"error":{"code":-32000,"message":"no"}}`,
      ]);
    });
  }

  it('keeps two requests whose ids round to the same number apart, also when answered by id', async () => {
    const { server, connection, sent } = await recording();
    server.send('{"id":9007199254740993,"method":"a","params":{}}');
    server.send('{"id":9007199254740992,"method":"b","params":{}}');
    await new Promise((resolve) => setTimeout(resolve, 0));
    const open = connection.pendingServerRequests();
    expect(open.map((r) => r.method)).toEqual(['a', 'b']);
    await open[1]!.respond({});
    await connection.respond(open[0]!.id, { late: true });
    expect(sent).toEqual([
      '{"id":9007199254740992,"result":{}}',
      '{"id":9007199254740993,"result":{"late":true}}',
    ]);
    expect(connection.pendingServerRequests()).toEqual([]);
  });
});

describe('Connection: call timeouts and user signals', () => {
  /** A server that never answers `slow`. */
  async function silent(options: ConstructorParameters<typeof Connection>[1] = {}) {
    const opened = await open(options);
    opened.server.onMessage((m) => {
      if (m.method !== 'slow' && m.id !== undefined) opened.server.send({ id: m.id, result: 'ok' });
    });
    return opened;
  }

  it('timeoutMs: REQUEST_TIMEOUT "<method> timed out after N ms" with a TimeoutError cause that agrees', async () => {
    const { connection } = await silent();
    const error = (await rejection(connection.request('slow', {}, { timeoutMs: 25 }))) as CodexusError;
    expect(CodexusError.is(error, 'REQUEST_TIMEOUT')).toBe(true);
    expect(error.message).toBe('slow timed out after 25 ms');
    expect(error.data).toEqual({ method: 'slow', timeoutMs: 25 });
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).name).toBe('TimeoutError');
    expect((error.cause as Error).message).toBe(error.message);
    expect(connection.metrics().pendingRequests).toBe(0);
  });

  it('the connection default requestTimeoutMs reads the same way', async () => {
    const { connection } = await silent({ requestTimeoutMs: 15 });
    const error = (await rejection(connection.request('slow'))) as CodexusError;
    expect(error.code).toBe('REQUEST_TIMEOUT');
    expect(error.message).toBe('slow timed out after 15 ms');
  });

  it('a user AbortSignal.timeout() is ABORTED, with the signal reason as cause and in the message', async () => {
    const { connection } = await silent();
    const signal = AbortSignal.timeout(20);
    const error = (await rejection(connection.request('slow', {}, { signal }))) as CodexusError;
    expect(error.code).toBe('ABORTED');
    expect(error.cause).toBe(signal.reason);
    expect(error.message).toBe(`slow: aborted (${(signal.reason as Error).message})`);
  });

  it('a user signal that is already aborted is ABORTED the same way, before anything is sent', async () => {
    const { server, connection } = await silent();
    const reason = new Error('user gave up');
    const error = (await rejection(
      connection.request('slow', {}, { signal: AbortSignal.abort(reason), timeoutMs: 10 }),
    )) as CodexusError;
    expect(error.code).toBe('ABORTED');
    expect(error.cause).toBe(reason);
    expect(error.message).toBe('slow: aborted (user gave up)');
    expect(server.received).toEqual([]);
  });

  it('timeoutMs bounds the whole call, overload retries and their backoff included', async () => {
    const { server, connection } = await open({
      overloadRetry: { maxRetries: 1_000, baseDelayMs: 5, maxDelayMs: 5 },
    });
    server.onMessage((m) => {
      if (m.id !== undefined) server.send({ id: m.id, error: { code: -32001, message: 'overloaded' } });
    });
    const error = (await rejection(connection.request('busy', {}, { timeoutMs: 40 }))) as CodexusError;
    expect(error.code).toBe('REQUEST_TIMEOUT');
    expect(error.message).toBe('busy timed out after 40 ms');
    expect(connection.metrics().pendingRequests).toBe(0);
  });

  it('a timeoutMs beyond the 32-bit timer range waits instead of firing at once', async () => {
    const { server, connection } = await open();
    server.onMessage((m) => {
      setTimeout(() => server.send({ id: m.id, result: 'answered' }), 5);
    });
    await expect(connection.request('later', {}, { timeoutMs: 2 ** 32 })).resolves.toBe('answered');
  });

  it('rejects a negative or non-number timeoutMs with VALIDATION_FAILED before sending', async () => {
    const { server, connection } = await silent();
    for (const timeoutMs of [-1, Number.NaN, '5' as unknown as number]) {
      const error = await rejection(connection.request('slow', {}, { timeoutMs }));
      expect([timeoutMs, CodexusError.is(error, 'VALIDATION_FAILED')]).toEqual([timeoutMs, true]);
    }
    expect(server.received).toEqual([]);
  });
});
