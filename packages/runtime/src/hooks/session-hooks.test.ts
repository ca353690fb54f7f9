import type { HookContext, PostHook, PreHook } from '@codexus/plugin';
import { describe, expect, it } from 'vitest';
import { resolveSessionConfig } from '../session-config.js';
import { HookBlockedError } from './hook-blocked-error.js';
import { HookEngine } from './hook-engine.js';
import { runPostSessionStart, runPreSessionStart } from './session-hooks.js';

const config = resolveSessionConfig({ cwd: '/w', instructions: 'house rules' });
const pre = (run: PreHook['run']): PreHook => ({ name: 'h', phases: ['PreSessionStart'], run });

describe('runPreSessionStart', () => {
  it('returns the config unchanged without hooks or on continue', async () => {
    await expect(runPreSessionStart(new HookEngine(), config)).resolves.toEqual({ config, reports: [] });
    const engine = new HookEngine({ hooks: [pre(() => ({ type: 'continue' }))] });
    expect((await runPreSessionStart(engine, config)).config).toBe(config);
  });

  it('patches model, effort and developer instructions, then validates the config again', async () => {
    let seen: HookContext | undefined;
    const engine = new HookEngine({
      hooks: [
        pre((ctx) => {
          seen = ctx;
          return { type: 'patch', patch: { model: 'm2', effort: 'low', instructions: 'no network' } };
        }),
      ],
    });
    const { config: patched, reports } = await runPreSessionStart(engine, config, {
      metadata: { who: 'test' },
    });
    expect(patched).toMatchObject({
      cwd: '/w',
      model: 'm2',
      effort: 'low',
      instructions: 'house rules\n\nno network',
      sandbox: 'read-only',
      approval: 'never',
    });
    expect(reports.map((r) => r.outcome)).toEqual(['patch']);
    expect(seen).toMatchObject({
      phase: 'PreSessionStart',
      cwd: '/w',
      effort: 'medium',
      metadata: { who: 'test' },
    });
  });

  it('a block throws HookBlockedError; a prompt patch is invalid here and blocks by default', async () => {
    const blocking = new HookEngine({
      hooks: [pre(() => ({ type: 'block', reason: { message: 'outside office hours' } }))],
    });
    await expect(runPreSessionStart(blocking, config)).rejects.toBeInstanceOf(HookBlockedError);
    const promptPatch = new HookEngine({ hooks: [pre(() => ({ type: 'patch', patch: { prompt: 'x' } }))] });
    await expect(runPreSessionStart(promptPatch, config)).rejects.toMatchObject({
      code: 'HOOK_BLOCKED',
      reason: { code: 'HOOK_FAILED' },
    });
  });
});

describe('runPostSessionStart', () => {
  it('shows the hooks the started thread', async () => {
    let seen: HookContext | undefined;
    const post: PostHook = {
      name: 'p',
      phases: ['PostSessionStart'],
      run: (ctx) => {
        seen = ctx;
        return undefined;
      },
    };
    const info = { thread: { id: 't9' }, model: 'gpt-x', cwd: '/w/real' };
    const reports = await runPostSessionStart(new HookEngine({ hooks: [post] }), {
      threadId: 't9',
      config,
      info,
    });
    expect(reports.map((r) => r.threadId)).toEqual(['t9']);
    expect(seen).toMatchObject({
      phase: 'PostSessionStart',
      threadId: 't9',
      cwd: '/w/real',
      model: 'gpt-x',
      result: { status: 'started', value: info },
    });
  });
});
