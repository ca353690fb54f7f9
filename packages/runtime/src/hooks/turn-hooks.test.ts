import { CodexusError } from '@codexus/core';
import type { HookContext, PostHook, PreHook } from '@codexus/plugin';
import type { TurnStartParams } from '@codexus/protocol';
import { describe, expect, it } from 'vitest';
import { PromptRunError } from '../prompt-run-error.js';
import type { PromptRunResult } from '../prompt-run-event.js';
import { HookBlockedError } from './hook-blocked-error.js';
import { HookEngine } from './hook-engine.js';
import { runHookResult, runPostTurn, runPreTurn } from './turn-hooks.js';

const params: TurnStartParams = {
  threadId: 't1',
  input: [
    { type: 'text', text: 'hello', text_elements: [] },
    { type: 'image', url: 'https://x/1.png' },
  ],
  effort: 'medium',
};
const scope = { threadId: 't1', cwd: '/w' };
const result: PromptRunResult = {
  threadId: 't1',
  turnId: 'u1',
  status: 'completed',
  text: 'the answer',
  items: [],
  durationMs: 5,
};
const pre = (run: PreHook['run']): PreHook => ({ name: 'h', phases: ['PreTurn'], run });

describe('runPreTurn', () => {
  it('with no PreTurn hook returns the params as they are', async () => {
    const engine = new HookEngine({
      hooks: [{ name: 'other', phases: ['PreRun'], run: () => ({ type: 'continue' }) }],
    });
    await expect(runPreTurn(engine, params, scope)).resolves.toEqual({ params, reports: [] });
  });

  it('shows the hooks the prompt text, model and effort', async () => {
    let seen: HookContext | undefined;
    const engine = new HookEngine({
      hooks: [
        pre((ctx) => {
          seen = ctx;
          return { type: 'continue' };
        }),
      ],
    });
    const { params: sent, reports } = await runPreTurn(engine, { ...params, model: 'm1' }, scope);
    expect(sent).toEqual({ ...params, model: 'm1' });
    expect(reports).toHaveLength(1);
    expect(seen).toMatchObject({
      phase: 'PreTurn',
      cwd: '/w',
      threadId: 't1',
      prompt: 'hello',
      model: 'm1',
      effort: 'medium',
    });
  });

  it('patches the turn/start params: text, images, a leading instructions item, model, effort', async () => {
    const engine = new HookEngine({
      hooks: [
        pre(() => ({
          type: 'patch',
          patch: {
            prompt: 'hello, politely',
            images: [{ type: 'localImage', path: '/tmp/s.png' }],
            instructions: 'answer in French',
            model: 'm2',
            effort: 'high',
          },
        })),
      ],
    });
    const { params: sent } = await runPreTurn(engine, params, scope);
    expect(sent).toEqual({
      threadId: 't1',
      input: [
        { type: 'text', text: 'answer in French' },
        { type: 'text', text: 'hello, politely' },
        { type: 'image', url: 'https://x/1.png' },
        { type: 'localImage', path: '/tmp/s.png' },
      ],
      model: 'm2',
      effort: 'high',
    });
    expect(params.input).toHaveLength(2); // the caller's params are not changed
  });

  it('a block throws HookBlockedError (HOOK_BLOCKED) naming the hook and the reason', async () => {
    const engine = new HookEngine({
      hooks: [
        {
          name: 'no-secrets',
          phases: ['PreTurn'],
          run: () => ({ type: 'block', reason: { message: 'mentions a secret' } }),
        },
      ],
    });
    const error = await runPreTurn(engine, params, scope).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HookBlockedError);
    expect(CodexusError.is(error, 'HOOK_BLOCKED')).toBe(true);
    const blocked = error as HookBlockedError;
    expect(blocked.message).toBe('PreTurn blocked by hook "no-secrets": mentions a secret');
    expect(blocked).toMatchObject({
      hook: 'no-secrets',
      phase: 'PreTurn',
      reason: { message: 'mentions a secret' },
    });
    expect(blocked.reports.map((r) => r.outcome)).toEqual(['block']);
    expect(blocked.data).toMatchObject({ hook: 'no-secrets', phase: 'PreTurn' });
  });
});

describe('runPostTurn', () => {
  it('shows the hooks the final result', async () => {
    const seen: HookContext[] = [];
    const post: PostHook = {
      name: 'audit',
      phases: ['PostTurn'],
      run: (ctx) => {
        seen.push(ctx);
        return undefined;
      },
    };
    const reports = await runPostTurn(
      new HookEngine({ hooks: [post] }),
      { result },
      { ...scope, prompt: 'hello' },
    );
    expect(reports.map((r) => [r.hook, r.turnId])).toEqual([['audit', 'u1']]);
    expect(seen[0]).toMatchObject({
      phase: 'PostTurn',
      turnId: 'u1',
      prompt: 'hello',
      result: { status: 'completed', text: 'the answer', value: result },
    });
    await expect(runPostTurn(new HookEngine(), { result }, scope)).resolves.toEqual([]);
  });

  it('runHookResult gives a client-side failure its reason as the status', () => {
    const timeout = new PromptRunError('timeout', 'turn did not finish within 10 ms', result);
    expect(runHookResult(result, timeout)).toMatchObject({
      status: 'timeout',
      error: 'turn did not finish within 10 ms',
    });
    const failed = new PromptRunError('failed', 'boom', {
      ...result,
      status: 'failed',
      error: { message: 'boom' },
    });
    expect(runHookResult(failed.partial, failed)).toMatchObject({ status: 'failed', error: 'boom' });
    expect(runHookResult(result)).toEqual({ status: 'completed', text: 'the answer', value: result });
  });
});
