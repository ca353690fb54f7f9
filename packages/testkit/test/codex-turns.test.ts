import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyPatch,
  type CodexHome,
  type CodexProcess,
  createCodexHome,
  createWorkspace,
  failure,
  functionCallOutput,
  hang,
  httpError,
  lastUserText,
  message,
  outputSchema,
  reasoning,
  SCRIPTED_MODEL,
  type ScriptedModel,
  shell,
  startCodex,
  startScriptedModel,
  streamedMessage,
  streamedReasoning,
  textFormat,
  userTexts,
  type Workspace,
} from '../src/index.js';
import { runTurn, startThread, type ThreadStartResult } from './helpers.js';

// One scripted model, one CODEX_HOME and one codex process for the whole file; each test starts
// its own thread and enqueues the steps its turn will consume.
let model: ScriptedModel;
let home: CodexHome;
let codex: CodexProcess;
let workspace: Workspace;
const modelLog: string[] = [];

beforeAll(async () => {
  model = await startScriptedModel([], { log: (line) => modelLog.push(line) });
  home = await createCodexHome({ modelUrl: model.url });
  workspace = await createWorkspace();
  codex = await startCodex({ codexHome: home });
});

afterAll(async () => {
  await codex?.close();
  await model?.close();
  await home?.dispose();
  await workspace?.dispose();
});

describe('real codex app-server against the scripted model', () => {
  it('initializes and starts a thread on the scripted provider (hermetic)', async () => {
    expect(codex.initializeResult?.userAgent).toMatch(/^codexus_testkit\/\d+\.\d+\.\d+/);
    expect(codex.initializeResult?.codexHome).toBe(home.path);
    const result = await codex.request<ThreadStartResult>('thread/start', { cwd: workspace.path });
    expect(result.modelProvider).toBe('codexus-scripted');
    expect(result.model).toBe(SCRIPTED_MODEL);
    expect(result.cwd).toBe(workspace.path);
    console.info(`[testkit timing] spawn + initialize: ${codex.startupMs.toFixed(0)} ms`);
  });

  it('delivers a scripted message as item/completed and completes the turn', async () => {
    const threadId = await startThread(codex, { cwd: workspace.path });
    const before = model.requests.length;
    model.enqueue(message('hello from the script'));
    const turn = await runTurn(codex, threadId, 'say hello');
    expect(turn.status).toBe('completed');
    expect(turn.items.find((item) => item.type === 'agentMessage')).toMatchObject({
      text: 'hello from the script',
    });
    const methods = turn.notifications.map((n) => n.method);
    expect(methods).toContain('turn/started');
    expect(methods.indexOf('item/completed')).toBeLessThan(methods.indexOf('turn/completed'));

    const request = model.requests[before]!;
    expect(request.path).toBe('/v1/responses');
    expect(request.headers.accept).toBe('text/event-stream');
    expect(request.body).toMatchObject({ model: SCRIPTED_MODEL, stream: true });
    expect(lastUserText(request)).toBe('say hello');
    expect(model.exhausted).toBe(0);
  });

  it('measures a warm turn', async () => {
    const threadId = await startThread(codex, { cwd: workspace.path });
    const times: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      model.enqueue(message(`warm ${i}`));
      const turn = await runTurn(codex, threadId, `turn ${i}`);
      expect(turn.status).toBe('completed');
      times.push(turn.elapsedMs);
    }
    console.info(`[testkit timing] warm one-message turns: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    // Each request carries the whole thread so far.
    expect(userTexts(model.requests.at(-1)!)).toEqual(['turn 0', 'turn 1', 'turn 2']);
  });

  it('streams text deltas as item/agentMessage/delta and reasoning as summaryTextDelta', async () => {
    const threadId = await startThread(codex, { cwd: workspace.path });
    model.enqueue([streamedReasoning(['Think', 'ing']), streamedMessage(['Hel', 'lo, ', 'world'])]);
    const turn = await runTurn(codex, threadId, 'stream please');
    expect(turn.status).toBe('completed');
    const deltas = turn.notifications
      .filter((n) => n.method === 'item/agentMessage/delta')
      .map((n) => n.params.delta);
    expect(deltas).toEqual(['Hel', 'lo, ', 'world']);
    expect(turn.items.find((item) => item.type === 'agentMessage')).toMatchObject({ text: 'Hello, world' });
    const reasoningDeltas = turn.notifications
      .filter((n) => n.method === 'item/reasoning/summaryTextDelta')
      .map((n) => n.params.delta);
    expect(reasoningDeltas).toEqual(['Think', 'ing']);
  });

  it('shows a reasoning item with its summary', async () => {
    const threadId = await startThread(codex, { cwd: workspace.path });
    model.enqueue([reasoning('Plan: answer briefly.'), message('brief')]);
    const turn = await runTurn(codex, threadId, 'think first');
    expect(turn.items.find((item) => item.type === 'reasoning')).toMatchObject({
      summary: ['Plan: answer briefly.'],
    });
  });

  it('runs a shell step in a workspace-write sandbox and sends its output back to the model', async () => {
    const threadId = await startThread(codex, { cwd: workspace.path, sandbox: 'workspace-write' });
    const before = model.requests.length;
    model.enqueue(shell('echo testkit-shell-ok', { callId: 'call_echo', login: false }), message('ran it'));
    const turn = await runTurn(codex, threadId, 'run echo');
    expect(turn.status).toBe('completed');
    expect(turn.items.find((item) => item.type === 'commandExecution')).toMatchObject({
      id: 'call_echo',
      status: 'completed',
      exitCode: 0,
      cwd: workspace.path,
    });
    expect(model.requests).toHaveLength(before + 2);
    const output = functionCallOutput(model.requests[before + 1]!, 'call_echo');
    expect(output).toContain('testkit-shell-ok');
    expect(output).toMatch(/Process exited with code 0/);
  });

  it('applies a patch (apply_patch through exec_command) as a fileChange', async () => {
    const ws = await createWorkspace();
    try {
      const threadId = await startThread(codex, { cwd: ws.path, sandbox: 'workspace-write' });
      model.enqueue(
        applyPatch(
          { addFile: { path: 'hello.txt', content: 'hi from a patch\n' } },
          { callId: 'call_patch' },
        ),
        message('patched'),
      );
      const turn = await runTurn(codex, threadId, 'add a file');
      expect(turn.status).toBe('completed');
      expect(turn.items.find((item) => item.type === 'fileChange')).toMatchObject({ status: 'completed' });
      expect(readFileSync(ws.file('hello.txt'), 'utf8')).toBe('hi from a patch\n');
      expect(functionCallOutput(model.requests.at(-1)!, 'call_patch')).toBeDefined();
    } finally {
      await ws.dispose();
    }
  });

  it('turns a failure step into an error notification and a failed turn', async () => {
    const threadId = await startThread(codex, { cwd: workspace.path });
    model.enqueue(failure('scripted failure'));
    const turn = await runTurn(codex, threadId, 'fail please');
    expect(turn.status).toBe('failed');
    const error = turn.notifications.find((n) => n.method === 'error');
    expect(error?.params).toMatchObject({
      willRetry: false,
      error: { message: expect.stringContaining('scripted failure') },
    });
  });

  it('turns an HTTP 500 into a failed turn (no retries)', async () => {
    const threadId = await startThread(codex, { cwd: workspace.path });
    const before = model.requests.length;
    model.enqueue(httpError(500, { error: { message: 'scripted 500', type: 'server_error' } }));
    const turn = await runTurn(codex, threadId, 'http error please');
    expect(turn.status).toBe('failed');
    expect(model.requests).toHaveLength(before + 1);
    expect(turn.notifications.find((n) => n.method === 'error')?.params).toMatchObject({
      willRetry: false,
      error: { codexErrorInfo: 'internalServerError' },
    });
  });

  it('fails the turn clearly when the script is exhausted', async () => {
    const threadId = await startThread(codex, { cwd: workspace.path });
    const exhaustedBefore = model.exhausted;
    const turn = await runTurn(codex, threadId, 'nothing scripted');
    expect(turn.status).toBe('failed');
    expect(model.exhausted).toBe(exhaustedBefore + 1);
    expect(modelLog.join('\n')).toMatch(/script is exhausted/);
  });

  it('answers from the recorded request with a function step, and records the output schema', async () => {
    const threadId = await startThread(codex, { cwd: workspace.path });
    model.enqueue((request) => message(JSON.stringify({ echo: lastUserText(request) })));
    const schema = {
      type: 'object',
      properties: { echo: { type: 'string' } },
      required: ['echo'],
      additionalProperties: false,
    };
    const turn = await runTurn(codex, threadId, 'structured', { outputSchema: schema });
    expect(turn.items.find((item) => item.type === 'agentMessage')).toMatchObject({
      text: '{"echo":"structured"}',
    });
    const request = model.requests.at(-1)!;
    expect(textFormat(request)).toMatchObject({
      type: 'json_schema',
      strict: true,
      name: 'codex_output_schema',
    });
    expect(outputSchema(request)).toEqual(schema);
  });

  it('keeps a hang step open until turn/interrupt ends the turn', async () => {
    const threadId = await startThread(codex, { cwd: workspace.path });
    const before = model.requests.length;
    model.enqueue(hang());
    const since = codex.notifications.length;
    const { turn } = await codex.request<{ turn: { id: string } }>('turn/start', {
      threadId,
      input: [{ type: 'text', text: 'wait forever' }],
    });
    await model.waitForRequests(before + 1);
    await codex.request('turn/interrupt', { threadId, turnId: turn.id });
    const completed = await codex.waitForNotification<{ turn: { id: string; status: string } }>(
      'turn/completed',
      (n) => n.params.turn.id === turn.id,
      { since },
    );
    expect(completed.params.turn.status).toBe('interrupted');
  });

  it('made no request other than POST /v1/responses', () => {
    expect(model.otherRequests).toEqual([]);
    expect(codex.nonJsonLines).toEqual([]);
  });
});
