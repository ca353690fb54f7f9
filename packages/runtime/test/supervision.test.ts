import { hang, message, userTexts } from '@codexus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { CodexusError, PromptRunError, type StdioTransport } from '../src/index.js';
import { type Harness, startHarness } from './harness.js';

const pidOf = (h: Harness) => (h.client.runtime.connection.transport as StdioTransport).pid!;

describe('supervision against the real codex', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a crash fails the in-flight turn with CONNECTION_CLOSED within 1 s; without a policy the client is closed', async () => {
    h = await startHarness([hang()]);
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const pending = session.ask('hang');
    await h.model.waitForRequests(1);
    const killedAt = performance.now();
    process.kill(pidOf(h), 'SIGKILL');
    const error = await pending.catch((e: unknown) => e);
    expect(performance.now() - killedAt).toBeLessThan(1_000);
    expect(PromptRunError.isInstance(error)).toBe(true);
    expect(CodexusError.is(error, 'CONNECTION_CLOSED')).toBe(true);
    await h.client.runtime.closed;
    expect(h.client.runtime.lifecycle).toBe('closed');
    await expect(session.ask('again')).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('with a restart policy, codex is respawned, sessions are resumed, and the next ask keeps history', async () => {
    // The connect call's signal bounds that call only: aborted afterwards, restarts still open.
    const connectCall = new AbortController();
    h = await startHarness([message('before crash'), message('after restart')], {
      client: { restart: { maxRestarts: 2, backoffMs: 50 }, signal: connectCall.signal },
    });
    connectCall.abort();
    const session = await h.client.startSession({ cwd: h.workspace.path });
    await expect(session.ask('remember the word kiwi')).resolves.toMatchObject({ text: 'before crash' });
    const states: string[] = [];
    h.client.runtime.onStateChange((s) => states.push(s));
    const oldPid = pidOf(h);
    const threadId = session.threadId;
    const restarted = new Promise<void>((resolve) => h!.client.runtime.onRestart(() => resolve()));
    process.kill(oldPid, 'SIGKILL');
    await restarted;
    // Restart listeners run in registration order: the client's (which resumes threads) ran first.
    expect(pidOf(h)).not.toBe(oldPid);
    expect(states).toEqual(['restarting', 'ready']);
    expect(h.client.metrics().restarts).toBe(1);
    expect(session.threadId).toBe(threadId);
    const result = await session.ask('what was the word?');
    expect(result.text).toBe('after restart');
    expect(userTexts(h.model.requests.at(-1)!)).toEqual(
      expect.arrayContaining(['remember the word kiwi', 'what was the word?']),
    );
  });

  it('resumeSession reopens a stored thread in a new client (thread/resume across processes)', async () => {
    h = await startHarness([message('one'), message('two'), message('forked')]);
    const first = await h.client.startSession({ cwd: h.workspace.path });
    await first.ask('first turn');
    const threadId = first.threadId;
    await h.client.close();
    const { Client } = await import('../src/index.js');
    const again = await Client.connect({ codexHome: h.home.path });
    try {
      const resumed = await again.resumeSession(threadId);
      expect(resumed.threadId).toBe(threadId);
      expect(resumed.config.cwd).toBe(h.workspace.path);
      await expect(resumed.ask('second turn')).resolves.toMatchObject({ text: 'two' });
      expect(userTexts(h.model.requests.at(-1)!)).toEqual(
        expect.arrayContaining(['first turn', 'second turn']),
      );
      const page = await again.listThreads({ limit: 10 });
      expect(page.data.map((t) => t.id)).toContain(threadId);
      const read = await again.readThread(threadId);
      expect(read.thread.id).toBe(threadId);
      const fork = await again.forkSession(threadId);
      expect(fork.threadId).not.toBe(threadId);
      await expect(fork.ask('in the fork')).resolves.toMatchObject({ text: 'forked' });
      expect(userTexts(h.model.requests.at(-1)!)).toEqual(
        expect.arrayContaining(['first turn', 'in the fork']),
      );
      await again.archiveThread(threadId);
      const archived = await again.listThreads({ limit: 10 });
      expect(archived.data.map((t) => t.id)).not.toContain(threadId);
    } finally {
      await again.close();
    }
  });
});
