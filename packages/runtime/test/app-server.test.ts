import { inventory, recordedMethods } from '@codexus/protocol';
import { createCodexHome, createWorkspace, message, startScriptedModel } from '@codexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppServer, CodexusError } from '../src/index.js';

describe('AppServer (layer 5) against the real codex', () => {
  let model: Awaited<ReturnType<typeof startScriptedModel>>;
  let home: Awaited<ReturnType<typeof createCodexHome>>;
  let workspace: Awaited<ReturnType<typeof createWorkspace>>;
  let app: AppServer;
  const wire: string[] = [];
  beforeAll(async () => {
    model = await startScriptedModel([message('typed turn ok')], { log: () => {} });
    home = await createCodexHome({ modelUrl: model.url });
    workspace = await createWorkspace();
    app = await AppServer.connect({
      codexHome: home.path,
      validateResults: true,
      trace: (e) => {
        if (e.direction === 'out') wire.push(e.text);
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await model?.close();
    await home?.dispose();
    await workspace?.dispose();
  });

  it('sends typed requests through request() and the generated facade', async () => {
    const started = await app.request('thread/start', { cwd: workspace.path });
    expect(started.modelProvider).toBe('codexus-scripted');
    const threadId = started.thread.id;
    const done = app.waitFor('turn/completed', (params) => params.threadId === threadId, {
      timeoutMs: 60_000,
    });
    const turn = await app.turnStart({ threadId, input: [{ type: 'text', text: 'hi', text_elements: [] }] });
    expect(turn.turn.id).toBeTruthy();
    await expect(done).resolves.toMatchObject({ threadId, turn: { id: turn.turn.id, status: 'completed' } });
    const read = await app.threadRead({ threadId, includeTurns: true });
    expect(read.thread.id).toBe(threadId);
    const models = await app.modelList({});
    expect(Array.isArray(models.data)).toBe(true);
  });

  it('rejects invalid params locally with VALIDATION_FAILED (nothing sent)', async () => {
    const before = wire.length;
    // @ts-expect-error threadId must be a string
    const error = await app.request('thread/read', { threadId: 42 }).catch((e: unknown) => e);
    expect(CodexusError.is(error, 'VALIDATION_FAILED')).toBe(true);
    expect((error as CodexusError).message).toMatch(/threadId/);
    expect(wire.length).toBe(before);
  });

  it('refuses an experimental method without the opt-in, locally; the unchecked path lets the server answer', async () => {
    const before = wire.length;
    const error = await app.request('mock/experimentalMethod', {}).catch((e: unknown) => e);
    expect(CodexusError.is(error, 'EXPERIMENTAL_API_REQUIRED')).toBe(true);
    expect(wire.length).toBe(before);
    const raw = await app.requestUnchecked('mock/experimentalMethod', {}).catch((e: unknown) => e);
    expect((raw as { rpcCode?: number }).rpcCode).toBe(-32600);
    expect(String((raw as Error).message)).toMatch(/requires experimentalApi capability/);
  });

  it('the recorded method history matches this binary: every method it says is absent, codex does not know', async () => {
    const version = app.runtime.server.codexVersion;
    const absent = recordedMethods('clientRequest').filter((m) => app.methodSupport(m).status === 'no');
    // On the pin: the methods older versions had and it dropped; on older codex: the newer methods.
    expect(absent.length, `no recorded method is absent from codex ${version}`).toBeGreaterThan(0);
    for (const method of absent) {
      const raw = await app.requestUnchecked(method, {}).catch((e: unknown) => e);
      expect(String((raw as Error).message), `${method} on codex ${version}`).toMatch(/unknown variant/);
    }
    const known = recordedMethods('clientRequest').filter((m) => app.methodSupport(m).status === 'yes');
    expect(known).toContain('thread/start');
    // Older codex (CI's oldest-version leg): a typed method it lacks is refused locally, nothing sent.
    const typedAbsent = inventory().methods.find(
      (m) => m.group === 'clientRequest' && app.methodSupport(m.method).status === 'no',
    );
    if (typedAbsent) {
      const before = wire.length;
      const error = await (app.request as (m: string, p?: unknown) => Promise<unknown>)(
        typedAbsent.method,
        {},
      ).catch((e: unknown) => e);
      expect(CodexusError.is(error, 'METHOD_UNSUPPORTED')).toBe(true);
      expect(wire.length).toBe(before);
    }
  });

  it('refuses an experimental params field of a stable method locally, naming the field', async () => {
    const before = wire.length;
    const error = await app
      .request('thread/start', { cwd: workspace.path, mockExperimentalField: 'x' } as never)
      .catch((e: unknown) => e);
    expect(CodexusError.is(error, 'EXPERIMENTAL_API_REQUIRED')).toBe(true);
    expect((error as Error).message).toMatch(/thread\/start params mockExperimentalField/);
    expect((error as Error).message).toMatch(/experimentalApi/);
    expect(wire.length).toBe(before);
  });
});

describe('AppServer with experimentalApi: true', () => {
  it('sends the experimental method and field', async () => {
    const model = await startScriptedModel([], { log: () => {} });
    const home = await createCodexHome({ modelUrl: model.url });
    const workspace = await createWorkspace();
    const sent: string[] = [];
    const app = await AppServer.connect({
      codexHome: home.path,
      experimentalApi: true,
      trace: (e) => {
        if (e.direction === 'out') sent.push(e.text);
      },
    });
    try {
      await expect(app.request('mock/experimentalMethod', {})).resolves.toBeDefined();
      const started = await app.request('thread/start', {
        cwd: workspace.path,
        mockExperimentalField: 'x',
      } as never);
      expect(started.thread.id).toBeTruthy();
      expect(sent.some((line) => line.includes('"mockExperimentalField":"x"'))).toBe(true);
      expect(sent.some((line) => line.includes('"mock/experimentalMethod"'))).toBe(true);
    } finally {
      await app.close();
      await model.close();
      await home.dispose();
      await workspace.dispose();
    }
  });
});
