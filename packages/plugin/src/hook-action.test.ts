import { describe, expect, it } from 'vitest';
import { parseHookAction } from './hook-action.js';

describe('parseHookAction', () => {
  it('accepts the three actions', () => {
    expect(parseHookAction({ type: 'continue' })).toEqual({ ok: true, action: { type: 'continue' } });
    expect(parseHookAction({ type: 'patch', patch: { prompt: 'x' } })).toEqual({
      ok: true,
      action: { type: 'patch', patch: { prompt: 'x' } },
    });
    expect(parseHookAction({ type: 'block', reason: { message: 'no', code: 'POLICY' } })).toEqual({
      ok: true,
      action: { type: 'block', reason: { message: 'no', code: 'POLICY' } },
    });
  });

  it('takes a plain string as a block reason (handy for scripts)', () => {
    expect(parseHookAction({ type: 'block', reason: 'not here' })).toEqual({
      ok: true,
      action: { type: 'block', reason: { message: 'not here' } },
    });
  });

  it('refuses what is no action', () => {
    for (const value of [undefined, null, 'continue', [], { type: 'allow' }, {}]) {
      expect(parseHookAction(value).ok).toBe(false);
    }
    expect(parseHookAction({ type: 'block' })).toEqual({
      ok: false,
      problems: ['a block needs a reason: { message } or a non-empty string'],
    });
    expect(parseHookAction({ type: 'block', reason: { message: 'x', code: 1 } }).ok).toBe(false);
    expect(parseHookAction({ type: 'block', reason: { message: 'x', data: 'y' } }).ok).toBe(false);
    expect(parseHookAction({ type: 'patch', patch: { effort: 'max' } }).ok).toBe(false);
  });

  it('checks a patch against the phase', () => {
    expect(parseHookAction({ type: 'patch', patch: { prompt: 'x' } }, 'PreToolUse')).toEqual({
      ok: false,
      problems: ['PreToolUse cannot patch "prompt"'],
    });
  });
});
