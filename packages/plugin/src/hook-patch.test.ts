import { describe, expect, it } from 'vitest';
import { foldHookPatches, validateHookPatch } from './hook-patch.js';

describe('validateHookPatch', () => {
  it('accepts a well-formed patch', () => {
    expect(
      validateHookPatch({
        prompt: 'p',
        model: 'm',
        effort: 'high',
        instructions: 'be brief',
        images: [
          { type: 'localImage', path: '/tmp/a.png' },
          { type: 'image', url: 'https://x/y.png' },
        ],
      }),
    ).toEqual([]);
    expect(validateHookPatch({})).toEqual([]);
  });

  it('checks every field like user input', () => {
    expect(validateHookPatch(null)).toEqual(['a patch must be an object']);
    expect(validateHookPatch({ prompt: '' })).toEqual(['prompt must be a non-empty string']);
    expect(validateHookPatch({ model: 3 })).toEqual(['model must be a non-empty string']);
    expect(validateHookPatch({ effort: 'max' })[0]).toMatch(/^effort must be one of none, minimal/);
    expect(validateHookPatch({ instructions: '  ' })).toEqual(['instructions must be a non-empty string']);
    expect(validateHookPatch({ images: 'x' })).toEqual(['images must be an array']);
    expect(validateHookPatch({ images: [{ type: 'localImage' }, { type: 'video', url: 'u' }] })).toHaveLength(
      2,
    );
    expect(validateHookPatch({ sandbox: 'danger-full-access' })).toEqual(['unknown patch field "sandbox"']);
  });

  it('knows which fields each phase accepts', () => {
    expect(validateHookPatch({ model: 'm', instructions: 'i' }, 'PreSessionStart')).toEqual([]);
    expect(validateHookPatch({ prompt: 'p' }, 'PreSessionStart')).toEqual([
      'PreSessionStart cannot patch "prompt"',
    ]);
    expect(validateHookPatch({ model: 'm' }, 'PreToolUse')).toEqual(['PreToolUse cannot patch "model"']);
    expect(validateHookPatch({ prompt: 'p', images: [] }, 'PreTurn')).toEqual([]);
  });

  it('lets PreToolUse (only) patch the arguments of an in-process tool, as an object', () => {
    expect(validateHookPatch({ arguments: { city: 'Lyon' } }, 'PreToolUse')).toEqual([]);
    expect(validateHookPatch({ arguments: 'Lyon' }, 'PreToolUse')).toEqual(['arguments must be an object']);
    expect(validateHookPatch({ arguments: {} }, 'PreTurn')).toEqual(['PreTurn cannot patch "arguments"']);
    expect(foldHookPatches({ arguments: { a: 1 } }, { arguments: { b: 2 } })).toEqual({
      arguments: { b: 2 },
    });
  });
});

describe('foldHookPatches', () => {
  it('replaces prompt, model and effort; adds instructions and images up', () => {
    const folded = [
      { prompt: 'a', model: 'm1', instructions: 'one', images: [{ type: 'image' as const, url: 'u1' }] },
      { prompt: 'b', effort: 'low' as const },
      { model: 'm2', instructions: 'two', images: [{ type: 'localImage' as const, path: '/p' }] },
    ].reduce(foldHookPatches, {});
    expect(folded).toEqual({
      prompt: 'b',
      model: 'm2',
      effort: 'low',
      instructions: 'one\n\ntwo',
      images: [
        { type: 'image', url: 'u1' },
        { type: 'localImage', path: '/p' },
      ],
    });
  });
});
