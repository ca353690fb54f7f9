import { CodexusError } from '@codexus/core';
import { SAFE_DEFAULTS } from '@codexus/runtime';
import { describe, expect, it } from 'vitest';
import { type RunProfile, resolveRunProfile } from './run-profile.js';

const cwd = '/tmp/project';

function validationPath(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(CodexusError.is(error, 'VALIDATION_FAILED')).toBe(true);
    return (error as CodexusError).data?.path;
  }
  throw new Error('expected VALIDATION_FAILED');
}

describe('resolveRunProfile', () => {
  it('applies the safe defaults to an empty profile', () => {
    const { session, ask, hooks } = resolveRunProfile(cwd);
    expect(session).toEqual({ cwd, ...SAFE_DEFAULTS });
    expect(ask).toEqual({});
    expect(hooks).toEqual([]);
  });

  it('maps every field to session or prompt settings', () => {
    const approvalHandler = () => 'accept' as const;
    const schema = { type: 'object' };
    const profile: RunProfile = {
      model: 'm',
      effort: 'high',
      approval: 'on-request',
      sandbox: 'workspace-write',
      turnTimeoutMs: 5_000,
      instructions: 'Be brief.',
      images: ['/tmp/a.png', 'https://example.test/b.png'],
      approvalHandler,
      outputSchema: schema,
    };
    const { session, ask } = resolveRunProfile(cwd, profile);
    expect(session).toEqual({
      cwd,
      model: 'm',
      effort: 'high',
      approval: 'on-request',
      sandbox: 'workspace-write',
      turnTimeoutMs: 5_000,
      privileged: false,
      unloadDelayMs: 0,
      instructions: 'Be brief.',
      approvalHandler,
    });
    expect(ask).toEqual({ images: ['/tmp/a.png', 'https://example.test/b.png'], outputSchema: schema });
  });

  it('allows a privileged sandbox only with privileged: true', () => {
    expect(validationPath(() => resolveRunProfile(cwd, { sandbox: 'danger-full-access' }))).toBe('sandbox');
    const { session } = resolveRunProfile(cwd, { sandbox: 'danger-full-access', privileged: true });
    expect(session).toMatchObject({ sandbox: 'danger-full-access', privileged: true });
  });

  it('rejects unknown keys, wrong types and bad values, naming the field', () => {
    const bad = (profile: unknown) => validationPath(() => resolveRunProfile(cwd, profile as RunProfile));
    expect(bad({ priviledged: true })).toBe('priviledged');
    expect(bad({ model: '' })).toBe('model');
    expect(bad({ instructions: 42 })).toBe('instructions');
    expect(bad({ images: 'a.png' })).toBe('images');
    expect(bad({ images: [''] })).toBe('images');
    expect(bad({ hooks: {} })).toBe('hooks');
    expect(bad({ approvalHandler: 'accept' })).toBe('approvalHandler');
    expect(bad({ outputSchema: [] })).toBe('outputSchema');
    expect(bad({ effort: 'max' })).toBe('effort');
    // The profile's turnTimeoutMs is the session's, under the same name.
    expect(bad({ turnTimeoutMs: 0 })).toBe('turnTimeoutMs');
    expect(bad(null)).toBe('profile');
    expect(validationPath(() => resolveRunProfile('relative', {}))).toBe('cwd');
  });

  it('checks hooks with the plugin contract and installs them on the session', () => {
    const bad = validationPath(() => resolveRunProfile(cwd, { hooks: [{ name: '' } as never] }));
    expect(bad).toBe('hooks[0]');
    const hook = { name: 'noop', phases: ['PreTurn'] as const, run: () => ({ type: 'continue' as const }) };
    const resolved = resolveRunProfile(cwd, { hooks: [hook as never] });
    expect(resolved.hooks).toEqual([hook]);
    expect(resolved.session.hooks).toEqual([hook]);
    expect(resolveRunProfile(cwd, { hooks: [] }).hooks).toEqual([]);
  });

  it('checks an output schema before anything is spawned', async () => {
    const v = await import('valibot');
    expect(validationPath(() => resolveRunProfile(cwd, { output: v.string() }))).toBe('$');
    expect(
      validationPath(() => resolveRunProfile(cwd, { output: v.object({ a: v.string() }), outputSchema: {} })),
    ).toBe('output');
    expect(resolveRunProfile(cwd, { output: v.object({ a: v.string() }) }).ask.output).toBeDefined();
  });
});
