import { afterEach, describe, expect, it } from 'vitest';
import { CodexusError, type StdioTransport } from '../src/index.js';
import { type Harness, startHarness } from './harness.js';

const pidOf = (h: Harness) => (h.client.runtime.connection.transport as StdioTransport).pid!;

describe('startSession against a codex that is gone or stuck', () => {
  let h: Harness | undefined;
  let stopped: number | undefined;
  afterEach(async () => {
    if (stopped !== undefined) process.kill(stopped, 'SIGCONT');
    stopped = undefined;
    await h?.close();
    h = undefined;
  });

  it('codex was killed: CONNECTION_CLOSED at once, naming the exit (signal, stderr tail)', async () => {
    h = await startHarness();
    process.kill(pidOf(h), 'SIGKILL');
    await h.client.runtime.closed;
    const error = await h.client.startSession({ cwd: h.workspace.path }).catch((e: unknown) => e);
    expect(CodexusError.is(error, 'CONNECTION_CLOSED')).toBe(true);
    expect((error as CodexusError).message).toMatch(
      /startSession: the connection to codex is closed \(.*SIGKILL/,
    );
    expect((error as CodexusError).data).toMatchObject({ signal: 'SIGKILL' });
    // resume and fork say the same.
    await expect(h.client.resumeSession('01a23745-a515-7250-b6b2-079ac5e976c8')).rejects.toMatchObject({
      code: 'CONNECTION_CLOSED',
      data: { signal: 'SIGKILL' },
    });
  });

  it('killed while thread/start waits: the pending start fails with CONNECTION_CLOSED, not a timeout', async () => {
    let sent!: () => void;
    const written = new Promise<void>((resolve) => {
      sent = resolve;
    });
    h = await startHarness([], {
      client: {
        trace: (event) => {
          if (event.direction === 'out' && event.text.includes('"method":"thread/start"')) sent();
        },
      },
    });
    const pid = pidOf(h);
    process.kill(pid, 'SIGSTOP'); // thread/start is written but never answered...
    stopped = pid;
    const pending = h.client.startSession({ cwd: h.workspace.path }).catch((e: unknown) => e);
    await written;
    process.kill(pid, 'SIGKILL'); // ...then codex dies
    stopped = undefined;
    const error = await pending;
    expect(CodexusError.is(error, 'CONNECTION_CLOSED')).toBe(true);
    expect((error as CodexusError).data).toMatchObject({ signal: 'SIGKILL' });
  });

  it('codex is stopped (SIGSTOP): the wait is bounded by the timeout (REQUEST_TIMEOUT), per call or per client', async () => {
    h = await startHarness([], { client: { requestTimeoutMs: 300 } });
    stopped = pidOf(h);
    process.kill(stopped, 'SIGSTOP');
    await expect(h.client.startSession({ cwd: h.workspace.path })).rejects.toMatchObject({
      code: 'REQUEST_TIMEOUT',
      data: { method: 'thread/start', timeoutMs: 300 },
    });
    await expect(h.client.startSession({ cwd: h.workspace.path }, { timeoutMs: 150 })).rejects.toMatchObject({
      code: 'REQUEST_TIMEOUT',
      data: { method: 'thread/start', timeoutMs: 150 },
    });
  });

  it('the runtime or the client was closed: CONNECTION_CLOSED before any RPC', async () => {
    h = await startHarness();
    await h.client.runtime.close();
    await expect(h.client.startSession({ cwd: h.workspace.path })).rejects.toMatchObject({
      code: 'CONNECTION_CLOSED',
      message: expect.stringMatching(/^startSession: the connection to codex is closed \(.+\)$/),
    });
    await h.client.close();
    await expect(h.client.startSession({ cwd: h.workspace.path })).rejects.toMatchObject({
      code: 'CONNECTION_CLOSED',
      message: 'startSession: the client is closed',
    });
  });
});
