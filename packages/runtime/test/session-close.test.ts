import { readFileSync } from 'node:fs';
import { compareVersions } from '@codexus/core';
import { codexBinVersion, hang, message } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import type { Runtime, StdioTransport } from '../src/index.js';
import { recordingLogger, startHarness, useHarness, waitUntil } from './harness.js';

const loadedThreads = async (h: { client: { runtime: Pick<Runtime, 'request'> } }) =>
  (await h.client.runtime.request('thread/loaded/list', {})).data;

/**
 * codex before 0.169 keeps an unsubscribed thread loaded (it does not honour
 * `thread_unload_delay_secs`; seen on 0.150.0 and 0.160.0, docs/compatibility.md): the unload
 * assertions hold from 0.169 on; closing is still safe (unsubscribed) everywhere.
 */
const unloadsOnUnsubscribe = compareVersions(codexBinVersion(), '0.169.0') >= 0;

describe('Session.close against the real codex', () => {
  const h = useHarness();

  it.runIf(unloadsOnUnsubscribe)(
    'unloads the thread: after N sessions are closed, codex no longer has them loaded',
    async () => {
      const n = 4;
      const closedIds = new Set<string>();
      const sub = h.client.runtime.on('thread/closed', (event) => {
        closedIds.add((event.params as { threadId: string }).threadId);
      });
      try {
        const kept = await h.client.startSession({ cwd: h.workspace.path });
        const ids: string[] = [];
        for (let i = 0; i < n; i++) {
          h.model.enqueue(message(`answer ${i}`));
          const session = await h.client.startSession({ cwd: h.workspace.path });
          await expect(session.ask(`question ${i}`)).resolves.toMatchObject({ text: `answer ${i}` });
          ids.push(session.threadId);
          await session.close();
        }
        expect(await loadedThreads(h)).toContain(kept.threadId);
        await waitUntil(() => ids.every((id) => closedIds.has(id)), 'thread/closed for every closed session');
        const loaded = await loadedThreads(h);
        for (const id of ids) expect(loaded).not.toContain(id);
        // An open session's thread stays loaded and usable.
        expect(loaded).toContain(kept.threadId);
        h.model.enqueue(message('still here'));
        await expect(kept.ask('are you there?')).resolves.toMatchObject({ text: 'still here' });
        await kept.close();
        await waitUntil(() => closedIds.has(kept.threadId), 'thread/closed for the kept session');
      } finally {
        sub.dispose();
      }
    },
  );

  it.runIf(unloadsOnUnsubscribe)(
    'a session closed during a turn interrupts it, then unloads the thread',
    async () => {
      h.model.enqueue(hang());
      const before = h.model.requests.length;
      const session = await h.client.startSession({ cwd: h.workspace.path });
      const pending = session.ask('wait forever');
      await h.model.waitForRequests(before + 1);
      await session.close();
      await expect(pending).resolves.toMatchObject({ status: 'interrupted' });
      await waitUntil(
        async () => !(await loadedThreads(h)).includes(session.threadId),
        'the thread to unload',
      );
    },
  );

  it('unloadDelayMs keeps a closed session loaded for that long (codex default behaviour on request)', async () => {
    const session = await h.client.startSession({ cwd: h.workspace.path, unloadDelayMs: 600_000 });
    await session.close();
    // Unsubscribed, but codex keeps it for the delay: a later resume is cheap.
    const { status } = await h.client.runtime.request('thread/unsubscribe', {
      threadId: session.threadId,
    });
    expect(status).toBe('notSubscribed');
    expect(await loadedThreads(h)).toContain(session.threadId);
  });
});

describe('Session.close when codex is gone or stuck', () => {
  it('does not throw when codex was killed; the failure is logged at debug', async () => {
    const { logger, entries } = recordingLogger();
    const h = await startHarness([], { client: { logger } });
    try {
      const session = await h.client.startSession({ cwd: h.workspace.path });
      process.kill((h.client.runtime.connection.transport as StdioTransport).pid!, 'SIGKILL');
      await h.client.runtime.closed;
      await expect(session.close()).resolves.toBeUndefined();
      expect(session.isClosed).toBe(true);
      const entry = entries.find((e) => e.message.includes('unsubscribe'));
      expect(entry).toMatchObject({ level: 'debug', fields: { threadId: session.threadId } });
    } finally {
      await h.close();
    }
  });

  it('does not hang when codex is stopped (SIGSTOP): the unsubscribe wait is bounded, then logged', async () => {
    const { logger, entries } = recordingLogger();
    const h = await startHarness([], { client: { logger } });
    const pid = (h.client.runtime.connection.transport as StdioTransport).pid!;
    try {
      const session = await h.client.startSession({ cwd: h.workspace.path });
      process.kill(pid, 'SIGSTOP');
      // kill() only queues the signal: under load codex could still read and answer the request
      // before it stops. Wait until the kernel shows it stopped (state T), bounded.
      await waitUntil(() => /^\S+ \(.*\) T/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')), 'codex to stop');
      await expect(session.close()).resolves.toBeUndefined();
      const entry = entries.find((e) => e.message.includes('unsubscribe'));
      expect(entry?.level).toBe('warn');
      expect(entry?.fields.code).toBe('REQUEST_TIMEOUT');
    } finally {
      process.kill(pid, 'SIGCONT');
      await h.close();
    }
  });
});
