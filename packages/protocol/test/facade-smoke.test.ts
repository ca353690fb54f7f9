import { join } from 'node:path';
import { CodexRpcError, type Connected, connect, type RequestOptions } from '@codexus/core';
import { startScriptedHarness } from '@codexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientFacade, createFacade, FACADE_METHODS, getMethodInfo } from '../src/index.js';

type Call = [name: string, run: (app: ClientFacade, ctx: Ctx) => Promise<unknown>];
interface Ctx {
  cwd: string;
  threadId: string;
}

/**
 * Stable client requests that need no network and no login, each sent through the generated facade
 * to the real codex with params validated strictly and results validated loosely.
 */
const CALLS: Call[] = [
  ['threadNameSet', (a, c) => a.threadNameSet({ threadId: c.threadId, name: 'smoke' })],
  ['threadList', (a) => a.threadList({ limit: 5 })],
  ['threadLoadedList', (a) => a.threadLoadedList({})],
  ['threadRead', (a, c) => a.threadRead({ threadId: c.threadId, includeTurns: false })],
  ['threadTurnsList', (a, c) => a.threadTurnsList({ threadId: c.threadId })],
  ['skillsList', (a, c) => a.skillsList({ cwds: [c.cwd] })],
  ['hooksList', (a, c) => a.hooksList({ cwds: [c.cwd] })],
  ['modelList', (a) => a.modelList({})],
  ['modelProviderList', (a) => a.modelProviderList({})],
  ['experimentalFeatureList', (a) => a.experimentalFeatureList({})],
  ['permissionProfileList', (a) => a.permissionProfileList({})],
  ['configRead', (a) => a.configRead({})],
  ['configRequirementsRead', (a) => a.configRequirementsRead()],
  ['accountRead', (a) => a.accountRead({})],
  ['mcpServerStatusList', (a) => a.mcpServerStatusList({})],
  ['fsCreateDirectory', (a, c) => a.fsCreateDirectory({ path: join(c.cwd, 'dir') })],
  [
    'fsWriteFile',
    (a, c) =>
      a.fsWriteFile({ path: join(c.cwd, 'dir', 'a.txt'), dataBase64: Buffer.from('hi').toString('base64') }),
  ],
  ['fsReadFile', (a, c) => a.fsReadFile({ path: join(c.cwd, 'dir', 'a.txt') })],
  ['fsGetMetadata', (a, c) => a.fsGetMetadata({ path: join(c.cwd, 'dir', 'a.txt') })],
  ['fsReadDirectory', (a, c) => a.fsReadDirectory({ path: join(c.cwd, 'dir') })],
  [
    'fsCopy',
    (a, c) =>
      a.fsCopy({ sourcePath: join(c.cwd, 'dir', 'a.txt'), destinationPath: join(c.cwd, 'dir', 'b.txt') }),
  ],
  ['fsRemove', (a, c) => a.fsRemove({ path: join(c.cwd, 'dir', 'b.txt') })],
  ['commandExec', (a, c) => a.commandExec({ command: ['echo', 'smoke'], cwd: c.cwd })],
  ['fuzzyFileSearch', (a, c) => a.fuzzyFileSearch({ query: 'a', roots: [c.cwd], cancellationToken: null })],
  ['threadArchive', (a, c) => a.threadArchive({ threadId: c.threadId })],
  ['threadUnarchive', (a, c) => a.threadUnarchive({ threadId: c.threadId })],
  ['threadUnsubscribe', (a, c) => a.threadUnsubscribe({ threadId: c.threadId })],
];

describe('the generated facade against the real codex (stable requests, no network)', () => {
  let h: Awaited<ReturnType<typeof start>>;
  const start = () =>
    startScriptedHarness({
      connect: async (home) => {
        const connected: Connected = await connect({ codexHome: home.path });
        return { ...connected, close: () => connected.connection.close() };
      },
    });
  beforeAll(async () => {
    h = await start();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sends each request with validated params and gets a result that validates', async () => {
    const app = createFacade(
      (m: string, p: unknown, o?: RequestOptions) => h.client.connection.request(m, p, o),
      {
        validateParams: true,
        validateResults: true,
      },
    );
    const { thread } = await app.threadStart({ cwd: h.workspace.path, ephemeral: false });
    const ctx: Ctx = { cwd: h.workspace.path, threadId: thread.id };
    const outcome: Record<string, string> = {};
    for (const [name, run] of CALLS) {
      try {
        await run(app, ctx);
        outcome[name] = 'ok';
      } catch (error) {
        // A server-side refusal still proves the params were valid and encoded; a local validation
        // failure (params or result) is a real failure.
        outcome[name] = CodexRpcError.isInstance(error)
          ? `server: ${error.rawMessage.slice(0, 80)}`
          : `LOCAL: ${(error as Error).message}`;
      }
    }
    console.log(outcome);
    const local = Object.entries(outcome).filter(([, o]) => o.startsWith('LOCAL'));
    expect(local).toEqual([]);
    const ok = Object.values(outcome).filter((o) => o === 'ok').length;
    expect(ok).toBeGreaterThanOrEqual(CALLS.length - 3);
    for (const [name] of CALLS) {
      const entry = FACADE_METHODS[name as keyof typeof FACADE_METHODS];
      expect(entry, name).toBeDefined();
      expect(getMethodInfo(entry[0])?.stability, name).not.toBe('experimental');
    }
  });
});
