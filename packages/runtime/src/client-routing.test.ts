import { MemoryTransport } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import type { ApprovalRequest } from './approval-request.js';
import { Client, type ClientConfig } from './client.js';

/** A Client over an in-memory fake server that answers the handshake and thread/start. */
async function fakeClient(config: Partial<ClientConfig> = {}) {
  const transport = new MemoryTransport();
  const { server } = transport;
  server.onMessage((m) => {
    if (m.method === 'initialize') server.send({ id: m.id, result: { userAgent: 'codexus/0.169.0 (test)' } });
    if (m.method === 'thread/start') server.send({ id: m.id, result: { thread: { id: 'thr' }, cwd: '/w' } });
  });
  const client = await Client.connect({ transport: () => transport, ...config });
  const answers = () => server.received.filter((m) => !('method' in (m as object)));
  const tick = () => new Promise((r) => setTimeout(r, 10));
  return { client, server, answers, tick };
}

describe('Client server-request routing (in-memory server)', () => {
  it('queues unknown server requests for the caller by default, never answering them', async () => {
    const { client, server, answers, tick } = await fakeClient();
    server.send({ id: 0, method: 'attestation/generate', params: {} });
    server.send({ id: 1, method: 'brand/newRequest', params: { x: 1 } });
    await tick();
    expect(answers()).toEqual([]);
    const it = client.runtime.serverRequests()[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value.method).toBe('attestation/generate');
    await first.value.respond({ token: 't' });
    await tick();
    expect(answers()).toEqual([{ id: 0, result: { token: 't' } }]);
    await client.close();
  });

  it('answers unknown requests with -32601 under methodNotFound, and fails closed under autoDecline', async () => {
    const a = await fakeClient({ unknownServerRequestPolicy: 'methodNotFound' });
    a.server.send({ id: 7, method: 'brand/newRequest', params: {} });
    await a.tick();
    expect(a.answers()).toEqual([
      { id: 7, error: { code: -32601, message: 'brand/newRequest is not handled by this client' } },
    ]);
    await a.client.close();
    const b = await fakeClient({ unknownServerRequestPolicy: 'autoDecline' });
    b.server.send({ id: 8, method: 'brand/newRequest', params: {} });
    await b.tick();
    expect(b.answers()).toMatchObject([{ id: 8, error: { code: -32603 } }]);
    await b.client.close();
  });

  it('routes approvals to the session handler first, then the client handler', async () => {
    const seen: string[] = [];
    const { client, server, answers, tick } = await fakeClient({
      approvalHandler: (r) => {
        seen.push(`client:${r.threadId}`);
        return 'decline';
      },
    });
    await client.startSession({
      cwd: '/w',
      approvalHandler: (r) => {
        seen.push(`session:${r.threadId}`);
        return 'accept';
      },
    });
    server.send({
      id: 0,
      method: 'item/fileChange/requestApproval',
      params: { threadId: 'thr', itemId: 'i' },
    });
    server.send({
      id: 1,
      method: 'item/fileChange/requestApproval',
      params: { threadId: 'other', itemId: 'j' },
    });
    await tick();
    expect(seen).toEqual(['session:thr', 'client:other']);
    expect(answers()).toEqual(
      expect.arrayContaining([
        { id: 0, result: { decision: 'accept' } },
        { id: 1, result: { decision: 'decline' } },
      ]),
    );
    await client.close();
  });

  it('withdraws a pending approval on serverRequest/resolved: the handler signal aborts, no answer is sent', async () => {
    let signal: AbortSignal | undefined;
    const pending: ApprovalRequest[] = [];
    const { client, server, answers, tick } = await fakeClient({
      approvalHandler: (r, ctx) => {
        signal = ctx.signal;
        pending.push(r);
        return new Promise(() => {});
      },
    });
    server.send({
      id: 3,
      method: 'item/commandExecution/requestApproval',
      params: { threadId: 't', itemId: 'i' },
    });
    await tick();
    expect(pending).toHaveLength(1);
    server.send({ method: 'serverRequest/resolved', params: { threadId: 't', requestId: 3 } });
    await tick();
    expect(signal?.aborted).toBe(true);
    expect(answers()).toEqual([]);
    await client.close();
  });
});
