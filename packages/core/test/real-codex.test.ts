import {
  codexBinVersion,
  createCodexHome,
  createWorkspace,
  message,
  startScriptedModel,
  streamedMessage,
} from '@codexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CodexRpcError,
  CodexusError,
  type Connected,
  checkCompatibility,
  connect,
  type ServerNotification,
} from '../src/index.js';

describe(`core against the real codex ${codexBinVersion()}`, () => {
  let model: Awaited<ReturnType<typeof startScriptedModel>>;
  let home: Awaited<ReturnType<typeof createCodexHome>>;
  let workspace: Awaited<ReturnType<typeof createWorkspace>>;
  let shared: Connected;
  beforeAll(async () => {
    model = await startScriptedModel([], { log: () => {} });
    home = await createCodexHome({ modelUrl: model.url });
    workspace = await createWorkspace();
    shared = await connect({ codexHome: home.path });
  });
  afterAll(async () => {
    await shared?.connection.close();
    await model?.close();
    await home?.dispose();
    await workspace?.dispose();
  });

  it('handshakes and reads the version from the userAgent', () => {
    expect(shared.server.codexVersion).toBe(codexBinVersion());
    expect(shared.server.compatibility).toBe(checkCompatibility(codexBinVersion()));
    expect(shared.server.userAgent.startsWith(`codexus/${codexBinVersion()} `)).toBe(true);
    expect(shared.server.codexHome).toBe(home.path);
    expect(shared.connection.state).toBe('ready');
  });

  it('delivers every notification of a full turn, in order', async () => {
    model.enqueue(streamedMessage(['one ', 'two']));
    const { connection } = shared;
    const start = await connection.request<{ thread: { id: string } }>('thread/start', {
      cwd: workspace.path,
    });
    const threadId = start.thread.id;
    const seen: ServerNotification[] = [];
    const done = new Promise<void>((resolve) => {
      connection.on('*', (n) => {
        if ((n.params as { threadId?: string })?.threadId !== threadId) return;
        seen.push(n);
        if (n.method === 'turn/completed') resolve();
      });
    });
    await connection.request('turn/start', { threadId, input: [{ type: 'text', text: 'go' }] });
    await done;
    const methods = seen.map((n) => n.method);
    const order = [
      'turn/started',
      'item/started',
      'item/agentMessage/delta',
      'item/completed',
      'turn/completed',
    ];
    // The agent message's completion comes after its deltas (the user message completes first).
    const positions = order.map((m) =>
      m === 'item/completed' ? methods.lastIndexOf(m) : methods.indexOf(m),
    );
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(methods.at(-1)).toBe('turn/completed');
    const deltas = seen
      .filter((n) => n.method === 'item/agentMessage/delta')
      .map((n) => (n.params as { delta: string }).delta);
    expect(deltas.join('')).toBe('one two');
    expect(seen.every((n) => typeof n.emittedAtMs === 'number')).toBe(true);
  });

  it('classifies an unknown method error and keeps the verbatim message', async () => {
    const error = await shared.connection.request('no/such/method', {}).catch((e: unknown) => e);
    expect(CodexRpcError.isInstance(error)).toBe(true);
    const e = error as CodexRpcError;
    expect(e.rpcCode).toBe(-32600);
    expect(e.code).toBe('RPC_METHOD_NOT_FOUND');
    expect(e.isMethodNotFound()).toBe(true);
    expect(e.rawMessage).toContain('unknown variant `no/such/method`');
  });

  it('abort and timeout settle the call and leave the connection usable', async () => {
    const { connection } = shared;
    const controller = new AbortController();
    const aborted = connection.request('thread/list', {}, { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(connection.request('thread/list', {}, { timeoutMs: 0.001 })).rejects.toMatchObject({
      code: 'REQUEST_TIMEOUT',
    });
    await expect(connection.request('thread/list', {})).resolves.toHaveProperty('data');
    expect(connection.metrics().pendingRequests).toBe(0);
  });

  it('correlates 200 concurrent requests', async () => {
    const { connection } = shared;
    const threads = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        connection.request<{ thread: { id: string } }>('thread/start', {
          cwd: workspace.path,
          ephemeral: true,
          model: `m-${i}`,
        }),
      ),
    );
    const calls = Array.from({ length: 200 }, (_, i) => {
      const thread = threads[i % threads.length]!;
      return connection
        .request<{ thread: { id: string } }>('thread/read', { threadId: thread.thread.id })
        .then((r) => [thread.thread.id, r.thread.id]);
    });
    const pairs = await Promise.all(calls);
    for (const [asked, answered] of pairs) expect(answered).toBe(asked);
  });

  it('killing codex mid-request rejects pending calls with CONNECTION_CLOSED within 1 s', async () => {
    model.enqueue(message('never read'));
    const { connection } = await connect({ codexHome: home.path });
    const transport = connection.transport as import('../src/index.js').StdioTransport;
    const pending = [
      connection.request('thread/start', { cwd: workspace.path }),
      connection.request('thread/list', {}),
      connection.request('model/list', {}),
    ];
    const killedAt = performance.now();
    process.kill(transport.pid!, 'SIGKILL');
    const results = await Promise.allSettled(pending);
    const elapsed = performance.now() - killedAt;
    expect(elapsed).toBeLessThan(1_000);
    for (const r of results) {
      if (r.status === 'fulfilled') continue; // answered before the kill landed
      expect(CodexusError.is(r.reason, 'CONNECTION_CLOSED')).toBe(true);
      expect((r.reason as CodexusError).data).toMatchObject({ signal: 'SIGKILL' });
    }
    expect(results.some((r) => r.status === 'rejected')).toBe(true);
    await expect(connection.request('thread/list', {})).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('fails the handshake with a typed error when the binary is missing', async () => {
    await expect(connect({ codexBin: '/no/such/codex' })).rejects.toMatchObject({ code: 'BINARY_NOT_FOUND' });
  });
});
