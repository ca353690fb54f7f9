import type { StdioTransport } from '@codexus/core';
import { hang } from '@codexus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { attachStateProjection, type StateAttachment, type StateChange } from '../src/state/index.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
let attachment: StateAttachment;
beforeAll(async () => {
  h = await startHarness([], { client: { restart: { maxRestarts: 1, backoffMs: 50 } } });
  attachment = attachStateProjection(h.client.runtime, { protocolRevision: 'sha256:restart-test' });
});
afterAll(async () => {
  await attachment?.close();
  await h?.close();
});

it('a codex crash mid-turn: the turn is closed by the client, the thread unloaded, the restart counted', async () => {
  const projection = attachment.projection;
  const changes: StateChange[] = [];
  projection.subscribe((c) => changes.push(c));
  h.model.enqueue(hang());
  const session = await h.client.startSession({ cwd: h.workspace.path });
  const stream = session.askStream('hang until codex dies');
  await h.model.waitForRequests(1);
  const turnId = await stream.turnIdReady;
  expect(projection.turn(session.threadId, turnId)?.status).toBe('inProgress');
  const ready = new Promise<void>((resolve) => {
    const subscription = h.client.runtime.onStateChange((state) => {
      if (state !== 'ready') return;
      subscription.dispose();
      resolve();
    });
  });
  const pid = (h.client.runtime.connection.transport as StdioTransport).pid!;
  process.kill(pid, 'SIGKILL');
  await stream.result.catch(() => undefined);
  await ready;
  const turn = projection.turn(session.threadId, turnId)!;
  expect(turn).toMatchObject({ status: 'interrupted', endedBy: 'client' });
  expect(turn.error?.message).toMatch(/connection is restarting/);
  expect(projection.get().connection).toMatchObject({ state: 'ready', restarts: 1 });
  const threadChanges = changes.filter((c) => c.type === 'thread' && c.threadId === session.threadId);
  expect(threadChanges.map((c) => c.type === 'thread' && c.reason)).toContain('notLoaded');
  const connection = changes
    .filter((c) => c.type === 'connection')
    .map((c) => c.type === 'connection' && c.state);
  expect(connection).toEqual(['restarting', 'ready']);
});
