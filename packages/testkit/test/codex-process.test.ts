import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CodexHome,
  type CodexProcess,
  createCodexHome,
  createWorkspace,
  functionCallOutput,
  message,
  type ScriptedModel,
  shell,
  startCodex,
  startScriptedModel,
  type Workspace,
} from '../src/index.js';
import { runTurn, startThread } from './helpers.js';

let model: ScriptedModel;
let home: CodexHome;
let workspace: Workspace;
let codex: CodexProcess;

beforeAll(async () => {
  model = await startScriptedModel([]);
  home = await createCodexHome({
    modelUrl: model.url,
    approvalPolicy: 'on-request',
    sandboxMode: 'workspace-write',
  });
  workspace = await createWorkspace();
  codex = await startCodex({ codexHome: home });
});

afterAll(async () => {
  await codex?.close();
  await model?.close();
  await home?.dispose();
  await workspace?.dispose();
});

describe('CodexProcess against the real app-server', () => {
  it('rejects a request the server answers with an error, with the wire error attached', async () => {
    await expect(codex.request('no/such/method', {})).rejects.toMatchObject({
      name: 'TestkitError',
      code: 'RPC_ERROR',
      rpcError: { code: -32600 },
    });
  });

  it('records server requests and lets the test answer them', async () => {
    const threadId = await startThread(codex, { cwd: workspace.path });
    const before = model.requests.length;
    model.enqueue(
      shell('echo escalated', {
        callId: 'call_escalate',
        login: false,
        sandboxPermissions: 'require_escalated',
        justification: 'testkit asks for approval',
      }),
      message('declined, fine'),
    );
    const since = codex.serverRequests.length;
    const notificationsSince = codex.notifications.length;
    const turnDone = runTurn(codex, threadId, 'needs approval');
    const request = await codex.waitForServerRequest<{ itemId: string; reason?: string }>(
      'item/commandExecution/requestApproval',
      undefined,
      { since },
    );
    expect(request.params).toMatchObject({ itemId: 'call_escalate', reason: 'testkit asks for approval' });
    expect(request.answered).toBe(false);
    codex.respond(request.id, { decision: 'decline' });
    expect(request.answered).toBe(true);

    const turn = await turnDone;
    expect(turn.status).toBe('completed');
    await codex.waitForNotification('serverRequest/resolved', (n) => n.params.requestId === request.id, {
      since: notificationsSince,
    });
    expect(turn.items.find((item) => item.type === 'commandExecution')).toMatchObject({ status: 'declined' });
    expect(functionCallOutput(model.requests[before + 1]!, 'call_escalate')).toBeDefined();
  });

  it('answers server requests automatically with onServerRequest', async () => {
    const seen: string[] = [];
    await using auto = await startCodex({
      codexHome: home,
      onServerRequest: (request) => {
        seen.push(request.method);
        return { decision: 'accept' };
      },
    });
    const threadId = await startThread(auto, { cwd: workspace.path });
    model.enqueue(
      shell('echo approved-run', {
        callId: 'call_auto',
        login: false,
        sandboxPermissions: 'require_escalated',
        justification: 'auto',
      }),
      message('ran'),
    );
    const turn = await runTurn(auto, threadId, 'auto approve');
    expect(seen).toEqual(['item/commandExecution/requestApproval']);
    expect(auto.serverRequests[0]?.answered).toBe(true);
    expect(turn.items.find((item) => item.type === 'commandExecution')).toMatchObject({
      status: 'completed',
      aggregatedOutput: expect.stringContaining('approved-run'),
    });
  });

  it('times out a wait with what it saw instead', async () => {
    await expect(codex.waitForNotification('never/sent', undefined, { timeoutMs: 50 })).rejects.toMatchObject(
      {
        code: 'TIMEOUT',
        message: expect.stringMatching(/no matching never\/sent notification within 50 ms \(seen: /),
      },
    );
  });

  it('closes by ending stdin; afterwards requests and waits fail with PROCESS_EXITED', async () => {
    const own = await startCodex({ codexHome: home, initialize: false });
    expect(own.initializeResult).toBeUndefined();
    expect(own.pid).toBeGreaterThan(0);
    const started = performance.now();
    const exit = await own.close();
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(own.exitInfo).toEqual(exit);
    await expect(own.request('initialize', {})).rejects.toMatchObject({ code: 'PROCESS_EXITED' });
    await expect(own.waitForNotification('x')).rejects.toMatchObject({ code: 'PROCESS_EXITED' });
    expect(await own.close()).toBe(exit);
  });

  it('fails start with BINARY_NOT_FOUND for a missing binary', async () => {
    await expect(startCodex({ codexHome: home, codexBin: '/nonexistent/codex' })).rejects.toMatchObject({
      code: 'BINARY_NOT_FOUND',
    });
  });
});
