import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { Connection } from './connection.js';
import { CodexusError } from './errors.js';
import type { Logger } from './logger.js';
import type { TransportCloseInfo, TransportSink } from './transport.js';
import { WebSocketTransport } from './websocket-transport.js';

const TOKEN = 'tok-3f9a1c-very-secret';

interface Loopback {
  url: string;
  upgrades: IncomingMessage[];
  sockets: WebSocket[];
  /** Resolves with the next server-side socket. */
  nextSocket(): Promise<WebSocket>;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A loopback WebSocket server; `refuse` answers the upgrade with an HTTP status instead. */
async function loopback(
  options: { refuse?: { status: number; body: string }; autoPong?: boolean } = {},
): Promise<Loopback> {
  const http: Server = createServer();
  const wss = new WebSocketServer({ noServer: true, autoPong: options.autoPong ?? true });
  const upgrades: IncomingMessage[] = [];
  const sockets: WebSocket[] = [];
  const waiting: ((socket: WebSocket) => void)[] = [];
  http.on('upgrade', (request, socket, head) => {
    upgrades.push(request);
    if (options.refuse) {
      const { status, body } = options.refuse;
      socket.end(`HTTP/1.1 ${status} Refused\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.push(ws);
      waiting.shift()?.(ws);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const server: Loopback = {
    url: `ws://127.0.0.1:${port}`,
    upgrades,
    sockets,
    nextSocket: () => new Promise((resolve) => waiting.push(resolve)),
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
  cleanups.push(server.close);
  return server;
}

function sink() {
  const messages: string[] = [];
  const closes: TransportCloseInfo[] = [];
  let resolveClosed!: (info: TransportCloseInfo) => void;
  const whenClosed = new Promise<TransportCloseInfo>((resolve) => {
    resolveClosed = resolve;
  });
  const value: TransportSink = {
    message: (text) => messages.push(text),
    dropped: () => {},
    closed: (info) => {
      closes.push(info);
      resolveClosed(info);
    },
  };
  return { value, messages, closes, whenClosed };
}

function capturingLogger(): Logger & { text(): string } {
  const lines: string[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(
      `${level} ${message} ${JSON.stringify(fields ?? {}, (_k, v) => (v instanceof Error ? v.message : v))}`,
    );
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => lines.join('\n'),
  };
}

const until = async (check: () => boolean, ms = 2_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('WebSocketTransport', () => {
  it('sends one message per text frame, in order, and delivers frames as messages', async () => {
    const server = await loopback();
    const transport = new WebSocketTransport({ remote: { url: server.url } });
    const s = sink();
    const accepted = server.nextSocket();
    await transport.start(s.value);
    const peer = await accepted;
    const received: string[] = [];
    peer.on('message', (data, isBinary) => received.push(`${isBinary ? 'bin' : 'text'}:${String(data)}`));
    await Promise.all(Array.from({ length: 50 }, (_, i) => transport.send(`{"n":${i}}`)));
    await until(() => received.length === 50);
    expect(received).toEqual(Array.from({ length: 50 }, (_, i) => `text:{"n":${i}}`));
    peer.send('{"method":"a"}');
    peer.send(Buffer.from('{"method":"b"}'));
    await until(() => s.messages.length === 2);
    expect(s.messages).toEqual(['{"method":"a"}', '{"method":"b"}']);
    await transport.close();
    await transport.close();
    expect(s.closes).toEqual([expect.objectContaining({ reason: 'closed by client' })]);
    await expect(transport.send('{}')).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('puts the bearer in the Authorization header of the upgrade, never in the URL, plus extra headers', async () => {
    const server = await loopback();
    const transport = new WebSocketTransport({
      remote: { url: `${server.url}/path?x=1`, token: TOKEN, headers: { 'X-Tenant': 'blue' } },
    });
    await transport.start(sink().value);
    const [upgrade] = server.upgrades;
    expect(upgrade!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(upgrade!.headers['x-tenant']).toBe('blue');
    expect(upgrade!.url).toBe('/path?x=1');
    expect(transport.url).toBe(`${server.url}/path`);
    await transport.close();
  });

  it('turns a refused upgrade (401/403) into AUTH_FAILED at once, with the server reason and no credential', async () => {
    for (const status of [401, 403]) {
      const server = await loopback({ refuse: { status, body: `invalid websocket bearer token ${TOKEN}` } });
      const transport = new WebSocketTransport({ remote: { url: server.url, token: TOKEN } });
      const startedAt = performance.now();
      const error = await transport.start(sink().value).catch((e: unknown) => e);
      expect(performance.now() - startedAt).toBeLessThan(500);
      expect(CodexusError.is(error, 'AUTH_FAILED')).toBe(true);
      const typed = error as CodexusError;
      expect(typed.data).toMatchObject({ status, auth: 'capability-token' });
      expect(typed.message).toContain('invalid websocket bearer token');
      expect(`${typed.message} ${JSON.stringify(typed.data)}`).not.toContain(TOKEN);
      await transport.close();
    }
  });

  it('reports other refusals and unreachable servers as CONNECTION_CLOSED', async () => {
    const server = await loopback({ refuse: { status: 500, body: 'boom' } });
    await expect(
      new WebSocketTransport({ remote: { url: server.url } }).start(sink().value),
    ).rejects.toMatchObject({
      code: 'CONNECTION_CLOSED',
      data: { status: 500 },
    });
    const closed = await loopback();
    const url = closed.url;
    await closed.close();
    const error = await new WebSocketTransport({ remote: { url } })
      .start(sink().value)
      .catch((e: unknown) => e);
    expect(CodexusError.is(error, 'CONNECTION_CLOSED')).toBe(true);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('bounds the upgrade by connectTimeoutMs (a server that accepts TCP but never answers)', async () => {
    const held: Socket[] = [];
    const tcp = createTcpServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => tcp.close(resolve));
    });
    const { port } = tcp.address() as AddressInfo;
    const transport = new WebSocketTransport({
      remote: { url: `ws://127.0.0.1:${port}`, connectTimeoutMs: 150 },
    });
    const startedAt = performance.now();
    await expect(transport.start(sink().value)).rejects.toMatchObject({
      code: 'CONNECTION_CLOSED',
      data: { timeoutMs: 150 },
    });
    expect(performance.now() - startedAt).toBeLessThan(1_000);
  });

  it('reports a dropped socket once, and a Connection rejects pending requests with CONNECTION_CLOSED at once', async () => {
    const server = await loopback();
    const accepted = server.nextSocket();
    const connection = new Connection(new WebSocketTransport({ remote: { url: server.url } }));
    await connection.start();
    const peer = await accepted;
    const arrived = new Promise((resolve) => peer.once('message', resolve));
    const pending = connection.request('thread/start', {});
    await arrived;
    const droppedAt = performance.now();
    peer.terminate();
    const error = await pending.catch((e: unknown) => e);
    expect(performance.now() - droppedAt).toBeLessThan(1_000);
    expect(CodexusError.is(error, 'CONNECTION_CLOSED')).toBe(true);
    expect((error as Error).message).toMatch(/websocket to ws:\/\/127\.0\.0\.1:\d+ closed \(code 1006/);
    expect(connection.state).toBe('closed');
  });

  it('does not connect when closed while starting', async () => {
    const server = await loopback();
    const transport = new WebSocketTransport({ remote: { url: server.url, token: TOKEN } });
    const starting = transport.start(sink().value);
    await transport.close();
    await expect(starting).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect(server.upgrades).toHaveLength(0);
  });

  it('declares a socket dead when the server stops answering pings', async () => {
    const server = await loopback({ autoPong: false });
    const transport = new WebSocketTransport({ remote: { url: server.url, heartbeatMs: 40 } });
    const s = sink();
    await transport.start(s.value);
    const info = await s.whenClosed;
    expect(info.reason).toBe('no pong from the server within 40 ms');
  });

  it('never writes the credential to the logger', async () => {
    const logger = capturingLogger();
    const server = await loopback();
    const transport = new WebSocketTransport({ remote: { url: server.url, token: TOKEN }, logger });
    await transport.start(sink().value);
    await transport.close();
    const refusing = await loopback({ refuse: { status: 401, body: 'invalid websocket bearer token' } });
    await new WebSocketTransport({ remote: { url: refusing.url, token: TOKEN }, logger })
      .start(sink().value)
      .catch(() => {});
    expect(logger.text()).toContain(server.url);
    expect(logger.text()).not.toContain(TOKEN);
  });

  it('warns when a bearer would travel unencrypted to a non-loopback host (and only then)', async () => {
    const logger = capturingLogger();
    const transport = new WebSocketTransport({
      remote: { url: 'ws://192.0.2.1:9', token: TOKEN, connectTimeoutMs: 50 },
      logger,
    });
    await transport.start(sink().value).catch(() => {});
    expect(logger.text()).toContain('unencrypted');
    expect(logger.text()).not.toContain(TOKEN);
  });
});
