import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CodexusError, Connection, type ServerNotification, StdioTransport } from '../src/index.js';

const fake = fileURLToPath(new URL('./fixtures/fake-app-server.mjs', import.meta.url));

async function startFake(mode: string, maxLineBytes?: number) {
  const transport = new StdioTransport({
    command: process.execPath,
    args: [fake, mode],
    env: process.env,
    maxLineBytes,
    shutdownGraceMs: 500,
  });
  const connection = new Connection(transport, { requestTimeoutMs: 5_000 });
  await connection.start();
  connection.markReady();
  return { transport, connection };
}

/** Resolves once the fake finished its noisy output (bounded by the test timeout). */
function noiseDone(connection: Connection): Promise<void> {
  return new Promise((resolve) => connection.on('noise/done', () => resolve()));
}

describe('StdioTransport with a misbehaving child process', () => {
  it('survives garbage, partial lines and a 5 MB line, then answers requests', async () => {
    const { connection } = await startFake('noisy');
    const got: ServerNotification[] = [];
    connection.on('*', (n) => got.push(n));
    await noiseDone(connection);
    await expect(connection.request('hello', { a: 1 })).resolves.toEqual({
      method: 'hello',
      params: { a: 1 },
    });
    expect(got.map((n) => n.method)).toEqual(['partial/notification', 'big', 'noise/done']);
    expect(((got[1]!.params as { blob: string }).blob as string).length).toBe(5 * 1024 * 1024);
    expect(connection.metrics().droppedLines).toBe(2);
    await connection.close();
    expect(connection.state).toBe('closed');
  });

  it('drops a line over maxLineBytes and keeps the connection working', async () => {
    const { connection } = await startFake('noisy', 1024 * 1024);
    await noiseDone(connection);
    await expect(connection.request('after', null)).resolves.toEqual({ method: 'after', params: null });
    expect(connection.metrics().droppedLines).toBe(3);
    await connection.close();
  });

  it('rejects pending requests with CONNECTION_CLOSED, exit code and stderr tail, soon after the exit', async () => {
    const { connection } = await startFake('quiet');
    const hanging = connection.request('hang');
    const dying = connection.request('die');
    const errors = await Promise.allSettled([hanging, dying]);
    const rejectedAt = Date.now();
    for (const result of errors) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason;
      expect(CodexusError.is(error, 'CONNECTION_CLOSED')).toBe(true);
      expect(error.data).toMatchObject({ exitCode: 3 });
      expect(error.data.stderrTail).toContain('fatal: asked to die');
    }
    // Measured from the moment the child exited (it wrote the time just before), not from its start.
    const exitedAt = Number(/asked to die at (\d+)/.exec(connection.closeInfo?.stderrTail ?? '')?.[1]);
    expect(rejectedAt - exitedAt).toBeLessThan(1_000);
    await expect(connection.request('again')).rejects.toThrow(/connection closed/);
  });

  for (const mode of ['quiet', 'stay-alive']) {
    it(`notices a server (${mode}) that closes stdout but stays alive, settles pending calls, ends the child`, async () => {
      const { transport, connection } = await startFake(mode);
      const states: string[] = [];
      connection.onStateChange((state) => states.push(state));
      // The request timeout (5 s) is the bound: without the fix `hang` ends as REQUEST_TIMEOUT.
      const hanging = connection.request('hang');
      const closing = connection.request('close-stdout');
      for (const result of await Promise.allSettled([hanging, closing])) {
        const error = (result as PromiseRejectedResult).reason;
        expect(CodexusError.is(error, 'CONNECTION_CLOSED')).toBe(true);
        expect(error.message).toMatch(/closed its stdout/);
        expect(error.data.stderrTail).toContain('closing stdout');
      }
      expect(connection.state).toBe('closed');
      expect(states).toEqual(['closed']);
      await expect(connection.request('again')).rejects.toThrow(/connection closed/);
      // close() waits for the shutdown ladder (stdin end, then SIGTERM for the one that ignores it).
      await connection.close();
      expect(() => process.kill(transport.pid!, 0)).toThrow();
    });
  }

  it('reports a spawn failure as SPAWN_FAILED', async () => {
    const transport = new StdioTransport({ command: '/nonexistent/codex-binary' });
    const connection = new Connection(transport);
    const error = await connection.start().catch((e: unknown) => e);
    expect(CodexusError.is(error, 'SPAWN_FAILED')).toBe(true);
    expect(connection.state).toBe('closed');
  });

  it('close() ends a child that ignores stdin with SIGTERM, and is idempotent', async () => {
    const transport = new StdioTransport({
      command: process.execPath,
      args: ['-e', 'process.stdin.resume(); process.stdin.on("end", () => {}); setInterval(() => {}, 1000)'],
      shutdownGraceMs: 100,
    });
    const connection = new Connection(transport);
    await connection.start();
    await Promise.all([connection.close(), connection.close()]);
    const info = await connection.closed;
    expect(info.signal ?? info.reason).toMatch(/SIGTERM|closed/);
    expect(transport.pid).toBeGreaterThan(0);
    expect(() => process.kill(transport.pid!, 0)).toThrow();
  });
});
