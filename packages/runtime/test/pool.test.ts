import { readFile } from 'node:fs/promises';
import { type AddressInfo, createServer, type Socket, connect as tcpConnect } from 'node:net';
import { type AppServerAuth, type LaunchedAppServer, type Logger, launchAppServer } from '@codexus/core';
import {
  type CodexHome,
  createCodexHome,
  createWorkspace,
  delayed,
  hang,
  lastUserText,
  message,
  type RecordedRequest,
  type ScriptedModel,
  startScriptedModel,
  streamedMessage,
  userTexts,
  type Workspace,
} from '@codexus/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClientPool, type EndpointReport } from '../src/client-pool.js';
import {
  AppServer,
  Client,
  CodexusError,
  type PromptRunEvent,
  Runtime,
  type ServerNotification,
} from '../src/index.js';

/** One "machine": its own scripted model, CODEX_HOME and WebSocket app-server. */
interface Box {
  model: ScriptedModel;
  home: CodexHome;
  server: LaunchedAppServer;
}

const captured: string[] = [];
const logger: Logger = {
  debug: (m, f) => captured.push(`${m} ${JSON.stringify(f ?? {})}`),
  info: (m, f) => captured.push(`${m} ${JSON.stringify(f ?? {})}`),
  warn: (m, f) => captured.push(`${m} ${JSON.stringify(f ?? {})}`),
  error: (m, f) => captured.push(`${m} ${JSON.stringify(f ?? {})}`),
};

async function startBox(auth: AppServerAuth): Promise<Box> {
  const model = await startScriptedModel([], { log: () => {} });
  const home = await createCodexHome({ modelUrl: model.url });
  const server = await launchAppServer({ codexHome: home.path, auth, logger });
  return { model, home, server };
}

/** Answers with the prompt, streamed in two deltas. */
const echo = (request: RecordedRequest) => streamedMessage(['echo: ', lastUserText(request) ?? '']);
const echoes = (n: number) => Array.from({ length: n }, () => echo);

/** A loopback TCP proxy in front of a server: records upgrade bearers, can refuse and cut connections. */
interface Proxy {
  url: string;
  mode: 'forward' | 'refuse';
  bearers: string[];
  cut(): void;
  close(): Promise<void>;
}

async function tcpProxy(target: string): Promise<Proxy> {
  const targetPort = Number(new URL(target).port);
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    if (proxy.mode === 'refuse') {
      inbound.destroy();
      return;
    }
    const outbound = tcpConnect(targetPort, '127.0.0.1');
    let first = true;
    inbound.on('data', (chunk: Buffer) => {
      if (first) {
        first = false;
        const bearer = /authorization: bearer (\S+)/i.exec(chunk.toString('latin1'))?.[1];
        if (bearer) proxy.bearers.push(bearer);
      }
      outbound.write(chunk);
    });
    outbound.pipe(inbound);
    const end = (): void => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', end);
      socket.on('error', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: Proxy = {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mode: 'forward',
    bearers: [],
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      proxy.cut();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return proxy;
}

async function until<T>(probe: () => T | undefined | false, what: string, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const threadOf = (n: ServerNotification): string | undefined => {
  const params = n.params as { threadId?: string; thread?: { id: string } } | undefined;
  return params?.threadId ?? params?.thread?.id;
};

let a: Box;
let b: Box;
let c: Box;
let workspace: Workspace;
const boxes = () => [a, b, c];

beforeAll(async () => {
  workspace = await createWorkspace();
  [a, b, c] = await Promise.all([
    startBox('capability-token'),
    startBox('signed-bearer-token'),
    startBox('capability-token'),
  ]);
});
afterAll(async () => {
  for (const box of [a, b, c]) {
    await box?.server.close();
    await box?.model.close();
    await box?.home.dispose();
  }
  await workspace?.dispose();
});
beforeEach(() => {
  for (const box of boxes()) box.model.clear();
});

describe('Clients over a remote app-server (real codex over WebSocket)', () => {
  it('two Clients share one launched server; each sees only its own threads’ turns', async () => {
    a.model.enqueue(...echoes(2));
    const [one, two] = await Promise.all([
      Client.connect({ remote: a.server.remote, logger }),
      Client.connect({ remote: a.server.remote, logger }),
    ]);
    try {
      const raw = { one: [] as ServerNotification[], two: [] as ServerNotification[] };
      one.runtime.on('*', (n) => raw.one.push(n));
      two.runtime.on('*', (n) => raw.two.push(n));
      const [s1, s2] = await Promise.all([
        one.startSession({ cwd: workspace.path }),
        two.startSession({ cwd: workspace.path }),
      ]);
      const run = async (session: typeof s1, prompt: string) => {
        const stream = session.askStream(prompt);
        const events: PromptRunEvent[] = [];
        for await (const event of stream) events.push(event);
        return { events, result: await stream.result };
      };
      const [r1, r2] = await Promise.all([run(s1, 'from one'), run(s2, 'from two')]);
      expect(r1.result.text).toBe('echo: from one');
      expect(r2.result.text).toBe('echo: from two');
      const deltas = (events: PromptRunEvent[]) =>
        events.flatMap((e) => (e.type === 'textDelta' ? [e.delta] : []));
      expect(deltas(r1.events)).toEqual(['echo: ', 'from one']);
      expect(deltas(r2.events)).toEqual(['echo: ', 'from two']);
      for (const [seen, own] of [
        [raw.one, s1.threadId],
        [raw.two, s2.threadId],
      ] as const) {
        const turnEvents = seen.filter((n) => /^(turn|item)\//.test(n.method));
        expect(turnEvents.length).toBeGreaterThan(3);
        expect(new Set(turnEvents.map(threadOf))).toEqual(new Set([own]));
      }
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('Runtime.start and AppServer.connect take `remote` as well', async () => {
    await using runtime = await Runtime.start({ remote: a.server.remote, logger });
    expect(runtime.connection.transport.kind).toBe('websocket');
    await using appServer = await AppServer.connect({ remote: b.server.remote, logger });
    const page = await appServer.request('thread/list', { limit: 1 });
    expect(Array.isArray(page.data)).toBe(true);
  });

  it('a server killed mid-turn fails the ask with CONNECTION_CLOSED within 1 s', async () => {
    await using server = await launchAppServer({ codexHome: a.home.path, logger });
    const client = await Client.connect({ remote: server.remote, logger });
    try {
      const session = await client.startSession({ cwd: workspace.path });
      a.model.enqueue(hang());
      const before = a.model.requests.length;
      const pending = session.ask('hang');
      await a.model.waitForRequests(before + 1);
      const killedAt = performance.now();
      server.kill('SIGKILL');
      const error = await pending.catch((e: unknown) => e);
      expect(performance.now() - killedAt).toBeLessThan(1_000);
      expect(CodexusError.is(error, 'CONNECTION_CLOSED')).toBe(true);
      await client.runtime.closed;
      expect(client.runtime.lifecycle).toBe('closed');
    } finally {
      await client.close();
    }
  });

  it('with a restart policy, a dropped socket reconnects with a fresh JWT and resumes the sessions', async () => {
    const proxy = await tcpProxy(b.server.url);
    const client = await Client.connect({
      remote: { url: proxy.url, jwt: b.server.jwt! },
      restart: { maxRestarts: 3, backoffMs: 20 },
      logger,
    });
    try {
      const session = await client.startSession({ cwd: workspace.path });
      b.model.enqueue(message('noted'));
      await expect(session.ask('remember the word kiwi')).resolves.toMatchObject({ text: 'noted' });
      const hanging = await client.startSession({ cwd: workspace.path });
      // Slow rather than hung: the server keeps running this turn after the cut, and a hung turn
      // would hold up the server's SIGTERM shutdown at the end of the file.
      b.model.enqueue(delayed(1_500, message('late')));
      const before = b.model.requests.length;
      const pending = hanging.ask('hang');
      await b.model.waitForRequests(before + 1);
      const restarted = new Promise<void>((resolve) => client.runtime.onRestart(() => resolve()));
      const cutAt = performance.now();
      proxy.cut();
      const error = await pending.catch((e: unknown) => e);
      expect(performance.now() - cutAt).toBeLessThan(1_000);
      expect(CodexusError.is(error, 'CONNECTION_CLOSED')).toBe(true);
      await restarted;
      b.model.enqueue(message('kiwi'));
      await expect(session.ask('what was the word?')).resolves.toMatchObject({ text: 'kiwi' });
      expect(userTexts(b.model.requests.at(-1)!)).toEqual(
        expect.arrayContaining(['remember the word kiwi', 'what was the word?']),
      );
      expect(proxy.bearers).toHaveLength(2);
      expect(proxy.bearers[0]).not.toBe(proxy.bearers[1]);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});

describe('ClientPool over three launched servers (real codex)', () => {
  const endpointsOf = () => [
    { name: 'a', ...a.server.remote },
    { name: 'b', ...b.server.remote },
    { name: 'c', ...c.server.remote },
  ];
  const byName = (reports: EndpointReport[]) => Object.fromEntries(reports.map((r) => [r.name, r]));

  it('spreads 12 concurrent sessions over all three and runs their turns', async () => {
    for (const box of boxes()) box.model.enqueue(...echoes(4));
    await using pool = await ClientPool.connect({ endpoints: endpointsOf(), logger });
    const sessions = await Promise.all(
      Array.from({ length: 12 }, () => pool.startSession({ cwd: workspace.path })),
    );
    const placed = sessions.map((s) => pool.endpointOf(s));
    expect(['a', 'b', 'c'].map((name) => placed.filter((p) => p === name).length)).toEqual([4, 4, 4]);
    const running = sessions.map((s, i) => s.ask(`task ${i}`));
    expect(pool.endpoints().reduce((sum, e) => sum + e.turnsInFlight, 0)).toBe(12);
    const results = await Promise.all(running);
    expect(results.map((r) => r.text)).toEqual(sessions.map((_, i) => `echo: task ${i}`));
    const reports = byName(pool.endpoints());
    for (const name of ['a', 'b', 'c']) {
      expect(reports[name]).toMatchObject({ healthy: true, state: 'ready', sessions: 4, turnsInFlight: 0 });
    }
    expect(reports.a!.url).toBe(a.server.url);
  });

  it('waits for room under maxSessionsPerEndpoint, and resumes a thread on the endpoint that holds it', async () => {
    await using pool = await ClientPool.connect({
      endpoints: endpointsOf().slice(0, 2),
      maxSessionsPerEndpoint: 1,
    });
    const first = await pool.startSession({ cwd: workspace.path });
    const second = await pool.startSession({ cwd: workspace.path });
    expect([pool.endpointOf(first), pool.endpointOf(second)].sort()).toEqual(['a', 'b']);
    await expect(pool.startSession({ cwd: workspace.path }, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'REQUEST_TIMEOUT',
    });
    const third = pool.startSession({ cwd: workspace.path }, { timeoutMs: 5_000 });
    await first.close();
    expect(pool.endpointOf(await third)).toBe(pool.endpointOf(first));

    const onB = pool.endpointOf(second) === 'b' ? second : await third;
    b.model.enqueue(message('stored'), message('resumed'));
    await onB.ask('keep this thread');
    // A fresh pool does not know where the thread is: it asks the endpoints in turn.
    await using fresh = await ClientPool.connect({ endpoints: endpointsOf().slice(0, 2) });
    const read = await fresh.readThread(onB.threadId, { includeTurns: true });
    expect(read.thread.id).toBe(onB.threadId);
    expect(read.thread.turns.map((turn) => turn.status)).toEqual(['completed']);
    const resumed = await fresh.resumeSession(onB.threadId);
    expect(fresh.endpointOf(resumed)).toBe('b');
    await expect(resumed.ask('again')).resolves.toMatchObject({ text: 'resumed' });
    await expect(fresh.resumeSession('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      kind: 'noRollout',
    });
  });

  it('reports endpoints that are down (with why), retries them in the background, and fails when none is up', async () => {
    const proxy = await tcpProxy(c.server.url);
    proxy.mode = 'refuse';
    // The connect call's signal bounds that call: aborted afterwards, the background retries go on.
    const connectCall = new AbortController();
    try {
      await using pool = await ClientPool.connect({
        signal: connectCall.signal,
        endpoints: [
          { name: 'a', ...a.server.remote },
          { name: 'flaky', url: proxy.url, token: c.server.token! },
          { name: 'wrong-token', url: a.server.url, token: 'not-the-token' },
        ],
        reconnect: { baseDelayMs: 20, maxDelayMs: 50 },
        logger,
      });
      let reports = byName(pool.endpoints());
      expect(reports.a).toMatchObject({ healthy: true, state: 'ready' });
      expect(reports.flaky).toMatchObject({ healthy: false, lastError: { code: 'CONNECTION_CLOSED' } });
      expect(reports['wrong-token']).toMatchObject({ healthy: false, lastError: { code: 'AUTH_FAILED' } });
      connectCall.abort();
      proxy.mode = 'forward';
      await until(() => byName(pool.endpoints()).flaky?.healthy, 'the flaky endpoint to come back');
      reports = byName(pool.endpoints());
      expect(reports.flaky).toMatchObject({ state: 'ready', reconnects: 1 });
      expect(reports.flaky!.lastError).toBeUndefined();
      expect(reports['wrong-token']!.healthy).toBe(false);
    } finally {
      await proxy.close();
    }
    await expect(
      ClientPool.connect({ endpoints: [{ name: 'a', ...a.server.remote }], signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    const error = await ClientPool.connect({
      endpoints: [{ url: a.server.url }, { url: b.server.url, jwt: { ...b.server.jwt!, audience: 'other' } }],
    }).catch((e: unknown) => e);
    expect(CodexusError.is(error, 'AUTH_FAILED')).toBe(true);
    expect((error as CodexusError).data?.endpoints).toHaveLength(2);
  });

  it('when a server dies, its turns fail fast, it turns unhealthy, and new sessions land on the others', async () => {
    // Runs last in the file: it kills server c.
    await using pool = await ClientPool.connect({ endpoints: endpointsOf(), logger });
    const [, , onC] = await Promise.all([0, 1, 2].map(() => pool.startSession({ cwd: workspace.path })));
    expect(pool.endpointOf(onC!)).toBe('c');
    c.model.enqueue(hang());
    const before = c.model.requests.length;
    const pending = onC!.ask('hang');
    await c.model.waitForRequests(before + 1);
    const killedAt = performance.now();
    c.server.kill('SIGKILL');
    const error = await pending.catch((e: unknown) => e);
    expect(performance.now() - killedAt).toBeLessThan(1_000);
    expect(CodexusError.is(error, 'CONNECTION_CLOSED')).toBe(true);
    expect(byName(pool.endpoints()).c).toMatchObject({
      healthy: false,
      state: 'reconnecting',
      lastError: { code: 'CONNECTION_CLOSED' },
    });
    a.model.enqueue(...echoes(3));
    b.model.enqueue(...echoes(3));
    const fresh = await Promise.all(
      Array.from({ length: 6 }, () => pool.startSession({ cwd: workspace.path })),
    );
    expect(fresh.map((s) => pool.endpointOf(s)).sort()).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    const results = await Promise.all(fresh.map((s, i) => s.ask(`after ${i}`)));
    expect(results.map((r) => r.text)).toEqual(fresh.map((_, i) => `echo: after ${i}`));
    // The session on c stays there: it fails while c is down instead of moving.
    await expect(onC!.ask('still there?')).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('never logs a token, a secret or a JWT', async () => {
    const secret = (await readFile(b.server.jwt!.secretFile!, 'utf8')).trim();
    const all = captured.join('\n');
    expect(all).toContain('connecting to a remote app-server');
    for (const text of [a.server.token!, c.server.token!, secret]) expect(all).not.toContain(text);
    expect(all).not.toMatch(/Bearer|eyJhbGci/);
  });
});
