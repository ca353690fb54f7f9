import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type CodexHome,
  codexBinVersion,
  createCodexHome,
  createWorkspace,
  hang,
  type ScriptedModel,
  startScriptedModel,
  streamedMessage,
  type Workspace,
} from '@codexus/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CodexusError,
  type Connection,
  connect,
  LaunchedAppServer,
  type Logger,
  launchAppServer,
  type RemoteOptions,
  type ServerNotification,
  type WireTraceEntry,
} from '../src/index.js';

/** Everything the logger and the wire trace saw during this file, to search for secrets at the end. */
const captured: string[] = [];
const logger: Logger = {
  debug: (m, f) => captured.push(`debug ${m} ${JSON.stringify(f ?? {})}`),
  info: (m, f) => captured.push(`info ${m} ${JSON.stringify(f ?? {})}`),
  warn: (m, f) => captured.push(`warn ${m} ${JSON.stringify(f ?? {})}`),
  error: (m, f) => captured.push(`error ${m} ${JSON.stringify(f ?? {})}`),
};
const trace = (entry: WireTraceEntry): void => {
  captured.push(`trace ${entry.direction} ${entry.text}`);
};

let model: ScriptedModel;
let home: CodexHome;
let workspace: Workspace;
let tokenServer: LaunchedAppServer;
let jwtServer: LaunchedAppServer;

beforeAll(async () => {
  model = await startScriptedModel([], { log: () => {} });
  home = await createCodexHome({ modelUrl: model.url });
  workspace = await createWorkspace();
  // One after the other: codex 0.150 fails "failed to initialize sqlite state runtime" when two
  // app-servers initialise one CODEX_HOME at the same moment (docs/compatibility.md).
  tokenServer = await launchAppServer({ codexHome: home.path, auth: 'capability-token', logger });
  jwtServer = await launchAppServer({
    codexHome: home.path,
    auth: 'signed-bearer-token',
    audience: 'box-1',
    logger,
  });
});
afterAll(async () => {
  await tokenServer?.close();
  await jwtServer?.close();
  await model?.close();
  await home?.dispose();
  await workspace?.dispose();
});
beforeEach(() => {
  model.clear();
});

/** Starts a thread, runs one turn, and returns its deltas and final status. */
async function runTurn(connection: Connection, prompt: string) {
  const started = await connection.request<{ thread: { id: string }; modelProvider: string }>(
    'thread/start',
    {
      cwd: workspace.path,
    },
  );
  expect(started.modelProvider).toBe('codexus-scripted');
  const threadId = started.thread.id;
  const deltas: string[] = [];
  const completed = new Promise<ServerNotification>((resolve) => {
    connection.on('item/agentMessage/delta', (n) => {
      const params = n.params as { threadId: string; delta: string };
      if (params.threadId === threadId) deltas.push(params.delta);
    });
    connection.on('turn/completed', (n) => {
      if ((n.params as { threadId: string }).threadId === threadId) resolve(n);
    });
  });
  await connection.request('turn/start', { threadId, input: [{ type: 'text', text: prompt }] });
  const done = await completed;
  return { threadId, deltas, status: (done.params as { turn: { status: string } }).turn.status };
}

describe('remote app-servers over WebSocket (real codex)', () => {
  it('runs a turn with a capability token and streams the deltas', async () => {
    model.enqueue(streamedMessage(['over ', 'web', 'socket']));
    const { connection, server } = await connect({ remote: tokenServer.remote, logger, trace });
    try {
      expect(server.codexVersion).toBe(codexBinVersion());
      expect(connection.transport.kind).toBe('websocket');
      const turn = await runTurn(connection, 'hello');
      expect(turn).toMatchObject({ status: 'completed', deltas: ['over ', 'web', 'socket'] });
    } finally {
      await connection.close();
    }
  });

  it('runs a turn with a signed JWT (secret given inline or by file)', async () => {
    const secret = await readFile(jwtServer.jwt!.secretFile!, 'utf8');
    for (const jwt of [jwtServer.jwt!, { issuer: 'codexus', audience: 'box-1', secret }]) {
      model.enqueue(streamedMessage(['signed ', 'jwt']));
      const { connection } = await connect({ remote: { url: jwtServer.url, jwt }, logger, trace });
      try {
        await expect(runTurn(connection, 'hello')).resolves.toMatchObject({
          status: 'completed',
          deltas: ['signed ', 'jwt'],
        });
      } finally {
        await connection.close();
      }
    }
  });

  it('fails fast with AUTH_FAILED on a missing or wrong token and on a JWT for another audience or issuer', async () => {
    const wrongSecret = { secret: 'x'.repeat(40), issuer: 'codexus', audience: 'box-1' };
    const cases: [RemoteOptions, string][] = [
      [{ url: tokenServer.url }, 'missing websocket bearer token'],
      [{ url: tokenServer.url, token: 'not-the-token' }, 'invalid websocket bearer token'],
      [{ url: jwtServer.url, jwt: { ...jwtServer.jwt!, audience: 'box-2' } }, 'audience mismatch'],
      [{ url: jwtServer.url, jwt: { ...jwtServer.jwt!, issuer: 'someone-else' } }, 'issuer mismatch'],
      [{ url: jwtServer.url, jwt: wrongSecret }, 'invalid websocket jwt'],
      [{ url: jwtServer.url, token: tokenServer.token! }, 'invalid websocket jwt'],
    ];
    for (const [remote, reason] of cases) {
      // Fast means: refused at the upgrade, not left to the connect timeout (which would be
      // CONNECTION_CLOSED "within N ms"); no wall-clock bound, which failed under load (1.1 s).
      const error = await connect({ remote: { ...remote, connectTimeoutMs: 60_000 }, logger, trace }).catch(
        (e: unknown) => e,
      );
      expect(CodexusError.is(error, 'AUTH_FAILED')).toBe(true);
      expect((error as CodexusError).message).toContain(reason);
    }
  });

  it('delivers a thread’s turn events only to the connections that own it; thread/started is broadcast', async () => {
    model.enqueue(streamedMessage(['for ', 'a']), streamedMessage(['for ', 'b']));
    const [a, b] = await Promise.all([
      connect({ remote: tokenServer.remote, logger, trace }),
      connect({ remote: tokenServer.remote, logger, trace }),
    ]);
    try {
      const seen = { a: [] as ServerNotification[], b: [] as ServerNotification[] };
      a.connection.on('*', (n) => seen.a.push(n));
      b.connection.on('*', (n) => seen.b.push(n));
      const [turnA, turnB] = await Promise.all([runTurn(a.connection, 'a'), runTurn(b.connection, 'b')]);
      expect([turnA.deltas.join(''), turnB.deltas.join('')].sort()).toEqual(['for a', 'for b']);
      const threadOf = (n: ServerNotification) => {
        const p = n.params as { threadId?: string; thread?: { id: string } };
        return p.threadId ?? p.thread?.id;
      };
      for (const [mine, other, own] of [
        [seen.a, turnB.threadId, turnA.threadId],
        [seen.b, turnA.threadId, turnB.threadId],
      ] as const) {
        const turnEvents = mine.filter((n) => /^(turn|item)\//.test(n.method));
        expect(turnEvents.length).toBeGreaterThan(3);
        expect(new Set(turnEvents.map(threadOf))).toEqual(new Set([own]));
        // codex 0.169 tells every connection that a thread exists or changed status, nothing more.
        const foreign = new Set(mine.filter((n) => threadOf(n) === other).map((n) => n.method));
        for (const method of foreign) expect(['thread/started', 'thread/status/changed']).toContain(method);
      }
    } finally {
      await a.connection.close();
      await b.connection.close();
    }
  });

  it('closes the connection when the server dies mid-turn (the socket, not the heartbeat); later calls get CONNECTION_CLOSED', async () => {
    await using server = await launchAppServer({ codexHome: home.path, logger });
    model.enqueue(hang());
    const { connection } = await connect({ remote: server.remote, logger, trace });
    const { thread } = await connection.request<{ thread: { id: string } }>('thread/start', {
      cwd: workspace.path,
    });
    await connection.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hang' }] });
    await model.waitForRequests(1);
    server.kill('SIGKILL');
    // Bounded by the socket closing, not by the heartbeat (15 s) nor the test timeout.
    const info = await Promise.race([
      connection.closed,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('connection not closed within 10 s')), 10_000).unref(),
      ),
    ]);
    expect(info.reason).toMatch(/websocket to ws:\/\/127\.0\.0\.1:\d+ closed/);
    await expect(connection.request('thread/list', {})).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('never writes a token, secret or JWT to the logger or the wire trace', async () => {
    // Runs last: the searched text is everything the tests above logged and traced.
    const secret = (await readFile(jwtServer.jwt!.secretFile!, 'utf8')).trim();
    const all = captured.join('\n');
    expect(all).toContain('connecting to a remote app-server');
    expect(all).toContain('trace out {"id":1,"method":"initialize"');
    expect(all).not.toContain(tokenServer.token!);
    expect(all).not.toContain(secret);
    expect(all).not.toMatch(/Bearer|eyJhbGci/);
  });
});

describe('launchAppServer (real codex)', () => {
  it('binds a free port, keeps the secret in a 0600 file in a private directory, and cleans up on close', async () => {
    const server = await launchAppServer({ codexHome: home.path });
    expect(server).toBeInstanceOf(LaunchedAppServer);
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:(\d+)$/);
    expect(server.url).not.toBe('ws://127.0.0.1:0');
    const file = server.remote.tokenFile!;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect((await readFile(file, 'utf8')).trim()).toBe(server.token);
    // The object a program might log names the file, not the token.
    expect(JSON.stringify(server)).not.toContain(server.token!);
    expect((await fetch(`${server.url.replace('ws:', 'http:')}/readyz`)).status).toBe(200);
    await server.close();
    await server.close();
    expect(existsSync(dirname(file))).toBe(false);
    // codex handles SIGTERM and exits cleanly. This was flaky under load ({exitCode: null, signal:
    // 'SIGTERM'}): codex answers /readyz a few ms before it installs its SIGTERM handler, and the
    // signal hit that window. launchAppServer now also waits for the handler, seen in /proc (Linux);
    // elsewhere only "the process is gone and the port is free" is guaranteed.
    const exit = await server.exited;
    if (process.platform === 'linux') expect(exit).toEqual({ exitCode: 0, signal: null });
    else expect([0, 'SIGTERM']).toContain(exit.signal ?? exit.exitCode);
    await expect(fetch(`${server.url.replace('ws:', 'http:')}/readyz`)).rejects.toThrow();
  });

  it('accepts only ws://IP:PORT or a unix socket and reports a server that cannot start as SPAWN_FAILED with its stderr', async () => {
    for (const listen of [
      'ws://localhost:0',
      'unix://relative.sock',
      'ws://127.0.0.1',
      'http://127.0.0.1:1',
    ]) {
      await expect(launchAppServer({ listen })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    // codex ignores --ws-auth on a unix socket: asking for a token there is refused, not ignored.
    await expect(launchAppServer({ listen: 'unix://', auth: 'capability-token' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      data: { field: 'auth' },
    });
    const error = await launchAppServer({
      codexHome: home.path,
      args: ['--ws-max-clock-skew-seconds', 'soon'],
    }).catch((e: unknown) => e);
    expect(CodexusError.is(error, 'SPAWN_FAILED')).toBe(true);
    expect((error as Error).message).toContain('--ws-max-clock-skew-seconds');
  });

  it('is aborted by its signal', async () => {
    const controller = new AbortController();
    const pending = launchAppServer({ codexHome: home.path, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('unix:// sockets (real codex)', () => {
  it('launchAppServer({ listen: "unix://" }): the same protocol in the private 0700 directory, no auth, gone after close', async () => {
    const server = await launchAppServer({ codexHome: home.path, listen: 'unix://', logger });
    const socketPath = server.url.slice('unix://'.length);
    expect(server.auth).toBe('none');
    expect(server.remote).toEqual({ url: server.url });
    expect(statSync(dirname(socketPath)).mode & 0o777).toBe(0o700);
    expect(statSync(socketPath).isSocket()).toBe(true);
    model.enqueue(streamedMessage(['unix ', 'socket']));
    const { connection } = await connect({ remote: server.remote, logger, trace });
    try {
      await expect(runTurn(connection, 'hi')).resolves.toMatchObject({
        status: 'completed',
        deltas: ['unix ', 'socket'],
      });
    } finally {
      await connection.close();
      await server.close();
    }
    expect(await server.exited).toEqual({ exitCode: 0, signal: null });
    expect(existsSync(dirname(socketPath))).toBe(false);
  });

  it('launchAppServer({ listen: "unix:///abs/path.sock" }) serves there; codex removes the socket when it exits', async () => {
    const socketPath = join(workspace.path, 'app.sock');
    const server = await launchAppServer({ codexHome: home.path, listen: `unix://${socketPath}` });
    expect(server.url).toBe(`unix://${socketPath}`);
    model.enqueue(streamedMessage(['explicit ', 'path']));
    const { connection } = await connect({ remote: { url: `unix://${socketPath}` } });
    try {
      await expect(runTurn(connection, 'hi')).resolves.toMatchObject({ deltas: ['explicit ', 'path'] });
    } finally {
      await connection.close();
      await server.close();
    }
    expect(existsSync(socketPath)).toBe(false);
  });
});
