import {
  FilteredPreHook,
  type HookContext,
  type HookReport,
  type PostHook,
  type PreHook,
} from '@codexus/plugin';
import { describe, expect, it } from 'vitest';
import { encodeApprovalAnswer, toApprovalRequest, type WireAnswer } from '../approval-request.js';
import type { TurnItem } from '../internal/wire.js';
import { HookEngine } from './hook-engine.js';
import { reviewApproval, runPostToolUse, toolInfoFromApproval, toolInfoFromItem } from './tool-hooks.js';

const command = toApprovalRequest(7, 'item/commandExecution/requestApproval', {
  threadId: 't1',
  turnId: 'u1',
  itemId: 'call_1',
  command: 'rm -rf build',
  cwd: '/w',
});
const file = toApprovalRequest(8, 'item/fileChange/requestApproval', {
  threadId: 't1',
  turnId: 'u1',
  itemId: 'call_2',
});
const legacy = toApprovalRequest(9, 'execCommandApproval', {
  conversationId: 't1',
  callId: 'c',
  command: ['rm', 'x'],
});
const dynamic = toApprovalRequest(10, 'item/tool/call', {
  threadId: 't1',
  itemId: 'd1',
  tool: 'deploy',
  arguments: { env: 'prod' },
});
const userInput = toApprovalRequest(11, 'item/tool/requestUserInput', { threadId: 't1', questions: [] });

const accept: WireAnswer = { result: { decision: 'accept' } };
const decline: WireAnswer = { result: { decision: 'decline' } };
const blockRm = new FilteredPreHook(
  {
    name: 'no-rm',
    phases: ['PreToolUse'],
    run: () => ({ type: 'block', reason: { message: 'rm is not allowed' } }),
  },
  { command: 'rm *' },
);

function recorder(): { hook: PreHook; seen: HookContext[] } {
  const seen: HookContext[] = [];
  return {
    seen,
    hook: {
      name: 'rec',
      phases: ['PreToolUse'],
      run: (ctx) => {
        seen.push(ctx);
        return { type: 'continue' };
      },
    },
  };
}

describe('reviewApproval (PreToolUse)', () => {
  it('turns an accept into a decline when a hook blocks', async () => {
    const engine = new HookEngine({ hooks: [blockRm] });
    const reports: HookReport[] = [];
    const answer = await reviewApproval(engine, command, accept, { onReports: (r) => reports.push(...r) });
    expect(answer).toEqual({ result: { decision: 'decline' } });
    expect(reports.map((r) => [r.hook, r.outcome, r.threadId, r.turnId])).toEqual([
      ['no-rm', 'block', 't1', 'u1'],
    ]);
  });

  it('keeps an accept when the hooks continue (or do not match)', async () => {
    const engine = new HookEngine({ hooks: [blockRm] });
    const ls = toApprovalRequest(1, 'item/commandExecution/requestApproval', {
      threadId: 't1',
      itemId: 'x',
      command: 'ls',
    });
    await expect(reviewApproval(engine, ls, accept)).resolves.toBe(accept);
    const session: WireAnswer = { result: { decision: 'acceptForSession' } };
    const { hook, seen } = recorder();
    await expect(reviewApproval(new HookEngine({ hooks: [hook] }), command, session)).resolves.toBe(session);
    expect(seen[0]).toMatchObject({
      phase: 'PreToolUse',
      cwd: '/w',
      threadId: 't1',
      turnId: 'u1',
      tool: { kind: 'commandExecution', itemId: 'call_1', command: 'rm -rf build', cwd: '/w' },
    });
  });

  it('never turns a decline, a cancel or an error into an accept (the hooks do not even run)', async () => {
    const { hook, seen } = recorder();
    const engine = new HookEngine({ hooks: [hook] });
    const cancel: WireAnswer = { result: { decision: 'cancel' } };
    const error: WireAnswer = { error: { code: -32603, message: 'x' } };
    for (const answer of [decline, cancel, error])
      await expect(reviewApproval(engine, command, answer)).resolves.toBe(answer);
    expect(seen).toHaveLength(0);
  });

  it('counts an accept with an execpolicy amendment as an accept', async () => {
    const amend: WireAnswer = {
      result: { decision: { acceptWithExecpolicyAmendment: { execpolicy_amendment: ['rm'] } } },
    };
    await expect(reviewApproval(new HookEngine({ hooks: [blockRm] }), command, amend)).resolves.toEqual(
      decline,
    );
  });

  it('fails closed: a hook that times out or throws declines', async () => {
    const slow: PreHook = {
      name: 'slow',
      phases: ['PreToolUse'],
      timeoutMs: 20,
      run: () => new Promise(() => {}),
    };
    const engine = new HookEngine({ onFailure: 'continue', hooks: [slow] });
    const reports: HookReport[] = [];
    await expect(
      reviewApproval(engine, command, accept, { onReports: (r) => reports.push(...r) }),
    ).resolves.toEqual(decline);
    expect(reports[0]?.issues).toEqual([{ class: 'timeout', message: 'no answer within 20 ms' }]);
  });

  it('declines when the review is aborted (the request was withdrawn)', async () => {
    const waits: PreHook = { name: 'waits', phases: ['PreToolUse'], run: () => new Promise(() => {}) };
    const controller = new AbortController();
    const review = reviewApproval(new HookEngine({ hooks: [waits] }), command, accept, {
      signal: controller.signal,
    });
    controller.abort();
    await expect(review).resolves.toEqual(decline);
  });

  it('speaks the legacy spelling for v1 requests', async () => {
    const approved = encodeApprovalAnswer(legacy, 'accept');
    expect(approved).toEqual({ result: { decision: 'approved' } });
    await expect(reviewApproval(new HookEngine({ hooks: [blockRm] }), legacy, approved)).resolves.toEqual({
      result: { decision: 'denied' },
    });
  });

  it('gives a file change its files from the turn’s item', async () => {
    const { hook, seen } = recorder();
    const item: TurnItem = {
      type: 'fileChange',
      id: 'call_2',
      status: 'inProgress',
      changes: [
        { path: '/w/a.txt', kind: { type: 'add' }, diff: '+hi' },
        { path: '/w/b.txt', kind: { type: 'update', move_path: '/w/c.txt' }, diff: '' },
      ],
    };
    await reviewApproval(new HookEngine({ hooks: [hook] }), file, accept, { cwd: '/w', item });
    expect(seen[0]).toMatchObject({
      cwd: '/w',
      tool: {
        kind: 'fileChange',
        itemId: 'call_2',
        fileChanges: [
          { path: '/w/a.txt', kind: 'add', diff: '+hi' },
          { path: '/w/b.txt', kind: 'update', movePath: '/w/c.txt', diff: '' },
        ],
      },
    });
    expect(toolInfoFromApproval(file)).toEqual({ kind: 'fileChange', itemId: 'call_2', fileChanges: [] });
  });

  it('withholds a dynamic tool’s result when a hook blocks', async () => {
    const deny: PreHook = {
      name: 'no-prod',
      phases: ['PreToolUse'],
      run: (ctx) =>
        ctx.tool?.name === 'deploy'
          ? { type: 'block', reason: { message: 'no prod deploys' } }
          : { type: 'continue' },
    };
    const ok: WireAnswer = {
      result: { contentItems: [{ type: 'inputText', text: 'deployed' }], success: true },
    };
    await expect(reviewApproval(new HookEngine({ hooks: [deny] }), dynamic, ok)).resolves.toEqual({
      result: {
        contentItems: [{ type: 'inputText', text: 'declined by hook "no-prod": no prod deploys' }],
        success: false,
      },
    });
  });

  it('leaves requests that are no tool use alone', async () => {
    const { hook, seen } = recorder();
    const answer: WireAnswer = { result: { answers: {} } };
    await expect(reviewApproval(new HookEngine({ hooks: [hook] }), userInput, answer)).resolves.toBe(answer);
    expect(seen).toHaveLength(0);
  });
});

describe('runPostToolUse', () => {
  const commandItem: TurnItem = {
    type: 'commandExecution',
    id: 'call_1',
    command: 'echo hi',
    cwd: '/w/sub',
    status: 'completed',
    exitCode: 0,
    aggregatedOutput: 'hi\n',
    commandActions: [],
  };

  it('shows the hooks the finished tool and its outcome', async () => {
    const seen: HookContext[] = [];
    const post: PostHook = {
      name: 'log',
      phases: ['PostToolUse'],
      run: (ctx) => {
        seen.push(ctx);
        return undefined;
      },
    };
    const engine = new HookEngine({ hooks: [post] });
    const reports = await runPostToolUse(engine, commandItem, { threadId: 't1', turnId: 'u1', cwd: '/w' });
    expect(reports.map((r) => [r.hook, r.phase, r.turnId])).toEqual([['log', 'PostToolUse', 'u1']]);
    expect(seen[0]).toMatchObject({
      cwd: '/w/sub',
      tool: { kind: 'commandExecution', command: 'echo hi', cwd: '/w/sub', itemId: 'call_1' },
      result: { status: 'completed', exitCode: 0, text: 'hi\n', value: commandItem },
    });
    const message: TurnItem = { type: 'agentMessage', id: 'm', text: 'x' };
    await expect(
      runPostToolUse(engine, message, { threadId: 't1', turnId: 'u1', cwd: '/w' }),
    ).resolves.toEqual([]);
  });

  it('toolInfoFromItem names MCP tools server/tool and keeps their arguments and error', () => {
    const mcp: TurnItem = {
      type: 'mcpToolCall',
      id: 'm1',
      server: 'github',
      tool: 'create_issue',
      arguments: { title: 'x' },
      status: 'failed',
    };
    expect(toolInfoFromItem(mcp)).toEqual({
      kind: 'mcpToolCall',
      itemId: 'm1',
      name: 'github/create_issue',
      arguments: { title: 'x' },
    });
    expect(toolInfoFromItem({ type: 'reasoning', id: 'r' })).toBeUndefined();
  });
});
