/**
 * The hook engine's call-site adapters against the real codex, wired by hand around a Runtime (the
 * Client/Session wiring is tested in hooks.test.ts): runPreTurn before `turn/start`, reviewApproval
 * as the ApprovalRouter's `review`, runPostToolUse on completed tool items, runPostTurn at the end.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FilteredPreHook, type Hook, type HookContext, type HookReport, type PreHook } from '@codexus/plugin';
import { ShellCommandHook } from '@codexus/plugin/node';
import {
  type CodexHome,
  createCodexHome,
  createWorkspace,
  functionCallOutputs,
  message,
  type ScriptedModel,
  shell,
  startScriptedModel,
  step,
  userTexts,
  type Workspace,
} from '@codexus/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApprovalRouter } from '../src/approval-router.js';
import {
  HookEngine,
  HookReportCollector,
  reviewApproval,
  runPostToolUse,
  runPostTurn,
  runPreTurn,
} from '../src/hooks/index.js';
import {
  type ApprovalHandler,
  type PromptRunResult,
  Runtime,
  TurnStream,
  toTurnInput,
} from '../src/index.js';

/** A command that needs escalation, so codex asks for approval under `on-request`. */
const escalated = (cmd: string) =>
  shell(cmd, { sandboxPermissions: 'require_escalated', justification: 'write a marker file', login: false });

describe('hook engine adapters against the real codex', () => {
  let model: ScriptedModel;
  let home: CodexHome;
  let workspace: Workspace;
  let runtime: Runtime;
  let hooks = new HookEngine();
  let toolReports: HookReport[] = [];
  const accept: ApprovalHandler = () => 'accept';

  beforeAll(async () => {
    model = await startScriptedModel([], { log: () => {} });
    home = await createCodexHome({
      modelUrl: model.url,
      approvalPolicy: 'on-request',
      sandboxMode: 'workspace-write',
    });
    workspace = await createWorkspace();
    runtime = await Runtime.start({ codexHome: home.path });
    const router = new ApprovalRouter({
      findTarget: () => ({ approvalHandler: accept, approvalRequested: () => {} }),
      enqueue: () => {},
      review: (request, answer, signal) =>
        reviewApproval(hooks, request, answer, {
          signal,
          cwd: workspace.path,
          onReports: (reports) => toolReports.push(...reports),
        }),
    });
    runtime.setServerRequestRouter((request) => router.route(request));
    runtime.on('serverRequest/resolved', (n) =>
      router.withdraw((n.params as { requestId?: unknown }).requestId),
    );
  });
  afterAll(async () => {
    await runtime?.close();
    await model?.close();
    await home?.dispose();
    await workspace?.dispose();
  });
  beforeEach(() => {
    model.clear();
    hooks = new HookEngine();
    toolReports = [];
  });

  async function startThread(): Promise<string> {
    const info = await runtime.request('thread/start', {
      cwd: workspace.path,
      approvalPolicy: 'on-request',
      sandbox: 'workspace-write',
    });
    expect(info.modelProvider).toBe('codexus-scripted');
    return info.thread.id;
  }

  /** One turn the way Session.askStream will run it once wired. */
  async function turn(
    threadId: string,
    prompt: string,
  ): Promise<{ result: PromptRunResult; reports: readonly HookReport[] }> {
    const scope = { threadId, cwd: workspace.path };
    const collector = new HookReportCollector();
    const pre = await runPreTurn(hooks, { threadId, input: toTurnInput(prompt), effort: 'low' }, scope);
    collector.add(pre.reports);
    const stream = new TurnStream({ runtime, threadId, params: pre.params, timeoutMs: 20_000 });
    for await (const event of stream) {
      if (event.type === 'itemCompleted' && stream.turnId)
        collector.track(runPostToolUse(hooks, event.item, { ...scope, turnId: stream.turnId }));
    }
    const result = await stream.result;
    collector.add(await runPostTurn(hooks, { result }, { ...scope, prompt }));
    return { result, reports: await collector.settled() };
  }

  const register = (...list: Hook[]) => {
    for (const hook of list) hooks.register(hook);
  };

  it('a PreTurn patch changes what the model receives (text, instructions, model)', async () => {
    register({
      name: 'rewrite',
      phases: ['PreTurn'],
      run: (ctx) => ({
        type: 'patch',
        patch: {
          prompt: `${ctx.prompt} (patched by a hook)`,
          instructions: 'HOOK NOTE: answer briefly',
          model: 'patched-model',
        },
      }),
    });
    model.enqueue(message('ok'));
    const threadId = await startThread();
    const { result, reports } = await turn(threadId, 'original prompt');
    expect(result.text).toBe('ok');
    const request = model.requests.at(-1)!;
    const texts = userTexts(request);
    expect(texts).toContain('original prompt (patched by a hook)');
    expect(texts).toContain('HOOK NOTE: answer briefly');
    expect(texts).not.toContain('original prompt');
    expect((request.body as { model?: string }).model).toBe('patched-model');
    expect(reports.map((r) => [r.hook, r.outcome])).toEqual([['rewrite', 'patch']]);
  });

  it('a PreToolUse block stops a command the approval handler accepts; a command the glob misses runs', async () => {
    const seen: HookContext[] = [];
    register(
      new FilteredPreHook(
        {
          name: 'no-forbidden',
          phases: ['PreToolUse'],
          run: (ctx) => {
            seen.push(ctx);
            return { type: 'block', reason: { message: 'forbidden file' } };
          },
        },
        { command: '*forbidden*' },
      ),
    );
    const blocked = join(workspace.path, 'forbidden.txt');
    const allowed = join(workspace.path, 'allowed.txt');
    model.enqueue(step(escalated(`touch ${blocked}`)), step(escalated(`touch ${allowed}`)), message('done'));
    const threadId = await startThread();
    const before = model.requests.length;
    const { result } = await turn(threadId, 'make both files');
    expect(result.status).toBe('completed');
    expect(existsSync(blocked)).toBe(false);
    expect(existsSync(allowed)).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.tool).toMatchObject({
      kind: 'commandExecution',
      command: expect.stringContaining('forbidden.txt'),
    });
    expect(toolReports.map((r) => [r.hook, r.outcome, r.threadId])).toEqual([
      ['no-forbidden', 'block', threadId],
    ]);
    // the model's next request carries the declined command's output
    expect(functionCallOutputs(model.requests[before + 1]!).length).toBeGreaterThan(0);
  });

  it('a ShellCommandHook running a real script blocks or continues as its exit code says', async () => {
    // argv, never a shell string: node runs the guard given with -e; it reads the context on stdin.
    const guard = [
      "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{",
      'const c=JSON.parse(s);',
      "if((c.tool&&c.tool.command||'').includes('denied')){process.stderr.write('the guard said no');process.exit(2)}",
      '})',
    ].join('');
    register(
      new ShellCommandHook({ name: 'guard', phases: ['PreToolUse'], argv: [process.execPath, '-e', guard] }),
    );
    const denied = join(workspace.path, 'denied.txt');
    const fine = join(workspace.path, 'fine.txt');
    model.enqueue(step(escalated(`touch ${denied}`)), step(escalated(`touch ${fine}`)), message('done'));
    const threadId = await startThread();
    await turn(threadId, 'make both files');
    expect(existsSync(denied)).toBe(false);
    expect(existsSync(fine)).toBe(true);
    expect(toolReports.map((r) => r.outcome)).toEqual(['block', 'continue']);
  });

  it('a PreToolUse hook that times out is reported and fails closed', async () => {
    const slow: PreHook = {
      name: 'slow',
      phases: ['PreToolUse'],
      timeoutMs: 150,
      run: () => new Promise(() => {}),
    };
    register(slow);
    const file = join(workspace.path, 'slow.txt');
    model.enqueue(step(escalated(`touch ${file}`)), message('declined'));
    const threadId = await startThread();
    const { result } = await turn(threadId, 'make the file');
    expect(result.text).toBe('declined');
    expect(existsSync(file)).toBe(false);
    expect(toolReports).toMatchObject([
      { hook: 'slow', outcome: 'failed', issues: [{ class: 'timeout', message: 'no answer within 150 ms' }] },
    ]);
  });

  it('PostToolUse sees the finished command; PostTurn sees the final result', async () => {
    const tools: HookContext[] = [];
    const turns: HookContext[] = [];
    register(
      { name: 'tools', phases: ['PostToolUse'], run: (ctx) => void tools.push(ctx) },
      {
        name: 'turns',
        phases: ['PostTurn'],
        run: (ctx) => ({ data: { length: ctx.result?.text?.length ?? 0 } }),
      },
      { name: 'turns-seen', phases: ['PostTurn'], run: (ctx) => void turns.push(ctx) },
    );
    model.enqueue(step(shell('echo hook-visible', { login: false })), message('all done'));
    const threadId = await startThread();
    const { result, reports } = await turn(threadId, 'run echo');
    const command = tools.find((c) => c.tool?.kind === 'commandExecution');
    expect(command?.tool?.command).toContain('echo hook-visible');
    expect(command?.result).toMatchObject({ status: 'completed', exitCode: 0 });
    expect(command?.result?.text).toContain('hook-visible');
    expect(turns[0]).toMatchObject({
      turnId: result.turnId,
      prompt: 'run echo',
      result: { status: 'completed', text: 'all done' },
    });
    expect(reports.map((r) => r.hook)).toEqual(['tools', 'turns', 'turns-seen']);
    expect(reports.find((r) => r.hook === 'turns')?.data).toEqual({ length: 8 });
  });
});
