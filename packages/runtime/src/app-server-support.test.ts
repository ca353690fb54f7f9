import { CodexusError, MemoryTransport } from '@codexus/core';
import { availableIn, HISTORY_VERSIONS, inventory } from '@codexus/protocol';
import { describe, expect, it } from 'vitest';
import { AppServer } from './app-server.js';

/** An AppServer over an in-memory server that says it is `version` and answers every request. */
async function fakeAppServer(version: string, result: (method: string) => unknown = () => ({})) {
  type Sent = { id?: number; method?: string };
  const transport = new MemoryTransport();
  const { server } = transport;
  server.onMessage((m) => {
    if (m.method === 'initialize')
      server.send({ id: m.id, result: { userAgent: `codexus/${version} (test)` } });
    else if (m.id !== undefined && typeof m.method === 'string')
      server.send({ id: m.id, result: result(m.method) });
  });
  const warnings: { message: string; data: unknown }[] = [];
  const logger = {
    debug() {},
    info() {},
    warn: (message: string, data?: unknown) => warnings.push({ message, data }),
    error() {},
  };
  const app = await AppServer.connect({ transport: () => transport, logger });
  const sent = () =>
    (server.received as Sent[]).filter((m) => m.method !== 'initialize' && m.method !== 'initialized');
  return { app, sent, warnings, server };
}

describe('AppServer knows what the connected codex has (in-memory server)', () => {
  const oldest = HISTORY_VERSIONS[0]!;
  const added = inventory().methods.find(
    (m) =>
      m.group === 'clientRequest' &&
      !m.availableIn.includes(oldest) &&
      !m.requiresExperimentalApi &&
      m.paramsMode !== 'required',
  )!;

  it('refuses a method the connected version lacks with METHOD_UNSUPPORTED; nothing is sent', async () => {
    expect(added).toBeDefined();
    const { app, sent } = await fakeAppServer(oldest);
    expect(app.methodSupport(added.method)).toMatchObject({
      status: 'no',
      since: availableIn(added.method)[0],
    });
    const error = await app
      .requestUnchecked('x/probe')
      .then(() =>
        (app.request as (m: string, p?: unknown) => Promise<unknown>)(added.method, {}).catch(
          (e: unknown) => e,
        ),
      );
    expect(CodexusError.is(error, 'METHOD_UNSUPPORTED')).toBe(true);
    expect((error as Error).message).toContain(added.method);
    expect((error as Error).message).toContain(oldest);
    expect(sent().map((m) => m.method)).toEqual(['x/probe']);
    await app.close();
  });

  it('the same method goes out on a version that has it', async () => {
    const { app, sent } = await fakeAppServer(added.availableIn.at(-1)!);
    expect(app.methodSupport(added.method).status).toBe('yes');
    await (app.request as (m: string, p?: unknown) => Promise<unknown>)(added.method).catch(() => {});
    expect(sent().map((m) => m.method)).toContain(added.method);
    await app.close();
  });

  it('reports (not throws) a result that misses a field, once per method; validateResults: true rejects', async () => {
    const lenient = await fakeAppServer(oldest, () => ({ unexpected: true }));
    await expect(lenient.app.request('thread/read', { threadId: 't' })).resolves.toEqual({
      unexpected: true,
    });
    await lenient.app.request('thread/read', { threadId: 't' });
    expect(lenient.warnings.filter((w) => w.message.startsWith('thread/read:'))).toHaveLength(1);
    await lenient.app.close();
    const strict = await fakeAppServer(oldest, () => ({ unexpected: true }));
    const strictApp = AppServer.over(strict.app.runtime, { validateResults: true });
    const error = await strictApp.request('thread/read', { threadId: 't' }).catch((e: unknown) => e);
    expect(CodexusError.is(error, 'VALIDATION_FAILED')).toBe(true);
    await strict.app.close();
  });
});

describe('AppServer answers by id through the connection (in-memory server)', () => {
  it('respond(id) ends the request in the state projection like an answer through the request object', async () => {
    const { app, server } = await fakeAppServer(HISTORY_VERSIONS.at(-1)!);
    const { projection } = app.runtime.state();
    const params = { threadId: 't', turnId: 'u', itemId: 'i' };
    server.send({ id: 0, method: 'item/commandExecution/requestApproval', params });
    server.send({ id: 1, method: 'item/fileChange/requestApproval', params });
    await new Promise((r) => setTimeout(r, 5));
    expect(projection.pendingServerRequests().map((r) => r.id)).toEqual([0, 1]);
    await app.respond(0, { decision: 'decline' });
    await app.respondError(1, { code: -32000, message: 'refused' });
    expect(projection.pendingServerRequests()).toEqual([]);
    expect(app.runtime.connection.pendingServerRequests()).toEqual([]);
    await app.close();
  });
});
