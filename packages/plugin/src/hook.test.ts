import { describe, expect, it } from 'vitest';
import { PLUGIN_CONTRACT_VERSION } from './contract-version.js';
import { type Hook, isPostHook, isPreHook, type PostHook, type PreHook, validateHook } from './hook.js';
import { parsePostHookResult } from './hook-report.js';

const pre: PreHook = { name: 'p', phases: ['PreTurn', 'PreToolUse'], run: () => ({ type: 'continue' }) };
const post: PostHook = { name: 'q', phases: ['PostTurn'], run: () => undefined };

describe('hooks', () => {
  it('tells pre from post hooks by their phases', () => {
    expect(isPreHook(pre)).toBe(true);
    expect(isPostHook(pre)).toBe(false);
    expect(isPostHook(post)).toBe(true);
    expect(isPreHook({ ...pre, phases: [] })).toBe(false);
  });

  it('validateHook accepts good hooks', () => {
    expect(validateHook(pre)).toEqual([]);
    expect(validateHook({ ...post, contractVersion: PLUGIN_CONTRACT_VERSION, timeoutMs: 10 })).toEqual([]);
  });

  it('validateHook names every problem', () => {
    expect(validateHook(null)).toEqual(['a hook must be an object']);
    expect(validateHook({ name: '', phases: [], run: 1 })).toEqual([
      'name must be a non-empty string',
      'phases must be a non-empty array',
      'run must be a function',
    ]);
    expect(validateHook({ ...pre, phases: ['PreTurn', 'PostTurn'] })).toEqual([
      'phases must be all pre phases (PreHook) or all post phases (PostHook)',
    ]);
    expect(validateHook({ ...pre, phases: ['BeforeEverything'] })).toContain(
      'unknown phase "BeforeEverything"',
    );
    expect(validateHook({ ...pre, timeoutMs: 0 })).toEqual(['timeoutMs must be a positive number of ms']);
    expect(validateHook({ ...pre, matches: true })).toEqual(['matches must be a function']);
  });

  it('validateHook refuses another contract major', () => {
    const wrong: Hook = { ...pre, contractVersion: '2.0.0' };
    expect(validateHook(wrong)).toEqual([
      `it declares hook contract 2.0.0, but this codexus supports 1.x (PLUGIN_CONTRACT_VERSION ${PLUGIN_CONTRACT_VERSION})`,
    ]);
  });
});

describe('parsePostHookResult', () => {
  it('accepts nothing, data and issues', () => {
    expect(parsePostHookResult(undefined)).toEqual({ ok: true, result: {} });
    expect(parsePostHookResult({ data: { a: 1 }, issues: [{ class: 'validation', message: 'm' }] }).ok).toBe(
      true,
    );
  });

  it('refuses other shapes', () => {
    expect(parsePostHookResult('x').ok).toBe(false);
    expect(parsePostHookResult({ data: 1 })).toEqual({ ok: false, problems: ['data must be an object'] });
    expect(parsePostHookResult({ issues: [{ class: 'oops', message: 'm' }] })).toEqual({
      ok: false,
      problems: ['issues[0] must be { class, message }'],
    });
    expect(parsePostHookResult({ issues: {} }).ok).toBe(false);
  });
});
