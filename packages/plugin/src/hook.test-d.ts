import { describe, expectTypeOf, it } from 'vitest';
import type { Hook, PostHook, PreHook } from './hook.js';
import type { HookAction } from './hook-action.js';
import type { HookPhase, PostPhase, PrePhase } from './hook-phase.js';
import type { ShellCommandHook, ShellCommandPostHook } from './shell-command-hook.js';

describe('hook contract types', () => {
  it('phases come from the one list, split into pre and post', () => {
    expectTypeOf<PrePhase | PostPhase>().toEqualTypeOf<HookPhase>();
    expectTypeOf<PreHook['phases'][number]>().toEqualTypeOf<PrePhase>();
    expectTypeOf<PostHook['phases'][number]>().toEqualTypeOf<PostPhase>();
  });

  it('an action is one tagged union', () => {
    expectTypeOf<HookAction['type']>().toEqualTypeOf<'continue' | 'patch' | 'block'>();
    const hook: PreHook = {
      name: 'x',
      phases: ['PreTurn'],
      // @ts-expect-error a pre-hook must return an action, not nothing
      run: () => undefined,
    };
    expectTypeOf(hook).toExtend<Hook>();
  });

  it('a pre-hook cannot list post phases', () => {
    // @ts-expect-error PostTurn is no pre phase
    const wrong: PreHook = { name: 'x', phases: ['PostTurn'], run: () => ({ type: 'continue' }) };
    expectTypeOf(wrong).toExtend<PreHook>();
  });

  it('the command hooks are hooks', () => {
    expectTypeOf<ShellCommandHook>().toExtend<PreHook>();
    expectTypeOf<ShellCommandPostHook>().toExtend<PostHook>();
  });
});
