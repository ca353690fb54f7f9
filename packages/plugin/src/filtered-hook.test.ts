import { describe, expect, it } from 'vitest';
import { FilteredPostHook, FilteredPreHook } from './filtered-hook.js';
import type { PostHook, PreHook } from './hook.js';
import type { HookContext } from './hook-context.js';

const signal = new AbortController().signal;
const blockAll: PreHook = {
  name: 'block-all',
  phases: ['PreTurn', 'PreToolUse'],
  timeoutMs: 50,
  contractVersion: '1.0.0',
  run: () => ({ type: 'block', reason: { message: 'no' } }),
};
const tool = (command: string): HookContext => ({
  phase: 'PreToolUse',
  cwd: '/w',
  metadata: {},
  tool: { kind: 'commandExecution', command },
});

describe('FilteredPreHook', () => {
  it('keeps the inner hook name, version and timeout; narrows phases to the matcher', () => {
    const hook = new FilteredPreHook(blockAll, { phases: ['PreToolUse', 'PreRun'] });
    expect(hook.name).toBe('block-all');
    expect(hook.phases).toEqual(['PreToolUse']);
    expect(hook.timeoutMs).toBe(50);
    expect(hook.contractVersion).toBe('1.0.0');
    expect(new FilteredPreHook(blockAll, {}).phases).toEqual(['PreTurn', 'PreToolUse']);
  });

  it('runs the inner hook only where the matcher matches', async () => {
    const hook = new FilteredPreHook(blockAll, { command: 'rm *' });
    expect(hook.matches(tool('rm -rf x'))).toBe(true);
    expect(hook.matches(tool('ls'))).toBe(false);
    await expect(hook.run(tool('rm -rf x'), { signal })).resolves.toMatchObject({ type: 'block' });
    await expect(hook.run(tool('ls'), { signal })).resolves.toEqual({ type: 'continue' });
  });

  it('also asks the inner hook’s own matches', () => {
    const hook = new FilteredPreHook({ ...blockAll, matches: (c) => c.cwd === '/elsewhere' }, {});
    expect(hook.matches(tool('rm x'))).toBe(false);
  });

  it('refuses a matcher that leaves no phase', () => {
    expect(() => new FilteredPreHook(blockAll, { phases: ['PostTurn'] })).toThrow(/share none/);
  });
});

describe('FilteredPostHook', () => {
  it('observes only where the matcher matches', async () => {
    const seen: string[] = [];
    const inner: PostHook = {
      name: 'log',
      phases: ['PostToolUse'],
      run: (c) => {
        seen.push(c.tool?.command ?? '');
        return { data: { ok: true } };
      },
    };
    const hook = new FilteredPostHook(inner, { command: 'git *' });
    const at = (command: string): HookContext => ({ ...tool(command), phase: 'PostToolUse' });
    await expect(hook.run(at('git status'), { signal })).resolves.toEqual({ data: { ok: true } });
    await expect(hook.run(at('ls'), { signal })).resolves.toBeUndefined();
    expect(seen).toEqual(['git status']);
  });
});
