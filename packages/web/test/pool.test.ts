/** The web adapter over a ClientPool: any SessionSource works where a Client does. */
import { type LaunchedAppServer, launchAppServer } from '@codexus/core';
import { ClientPool } from '@codexus/runtime';
import {
  type CodexHome,
  createCodexHome,
  createWorkspace,
  message,
  type ScriptedModel,
  startScriptedModel,
  type Workspace,
} from '@codexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebAdapter } from '../src/index.js';
import { oneTurn } from './web-harness.js';

describe('WebAdapter over a ClientPool (a remote app-server), against the real codex', () => {
  let model: ScriptedModel;
  let home: CodexHome;
  let workspace: Workspace;
  let server: LaunchedAppServer;
  let pool: ClientPool;

  beforeAll(async () => {
    model = await startScriptedModel([], { log: () => {} });
    home = await createCodexHome({ modelUrl: model.url });
    workspace = await createWorkspace();
    server = await launchAppServer({ codexHome: home.path, env: home.env });
    pool = await ClientPool.connect({ endpoints: [{ ...server.remote, name: 'box-1' }] });
  }, 60_000);

  afterAll(async () => {
    await pool?.close();
    await server?.close();
    await workspace?.dispose();
    await home?.dispose();
    await model?.close();
  });

  it('runs a turn on a pool session and shows the thread in the session state', async () => {
    const adapter = WebAdapter.create(pool, { roots: [workspace.path] });
    try {
      model.enqueue(message('answered by the pool'));
      const { sessionId, events } = await oneTurn(adapter, 'hello');
      expect(events.at(-1)?.type).toBe('turnCompleted');
      const state = adapter.state('alpha', sessionId);
      expect(state.threadId).toEqual(expect.any(String));
      // The projection of the endpoint that holds the thread saw it from its start.
      expect(state.thread?.id).toBe(state.threadId);
      expect(state.thread?.turns.length).toBeGreaterThan(0);
      expect(pool.endpointOf(state.threadId!)).toBe('box-1');
      expect(pool.readiness()).toEqual({ ready: true, state: 'ready' });
    } finally {
      await adapter.close(); // closes the sessions, not the pool it was given
    }
    expect(pool.readiness().ready).toBe(true);
  });
});
