import { CodexusError } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import type { InputItem } from '../prompt-input.js';
import { applyHookPatch } from './apply-hook-patch.js';

describe('applyHookPatch', () => {
  it('replaces a text prompt and adds images after it', () => {
    expect(
      applyHookPatch(
        { prompt: 'old' },
        { prompt: 'new', images: [{ type: 'localImage', path: '/tmp/a.png' }] },
      ),
    ).toEqual({
      prompt: [
        { type: 'text', text: 'new' },
        { type: 'localImage', path: '/tmp/a.png' },
      ],
    });
    expect(applyHookPatch({ prompt: 'old' }, { prompt: 'new' })).toEqual({
      prompt: [{ type: 'text', text: 'new' }],
    });
  });

  it('replaces the text items of an item prompt with one, where the first was; other items stay', () => {
    const prompt: InputItem[] = [
      { type: 'image', url: 'https://x/1.png' },
      { type: 'text', text: 'a' },
      { type: 'mention', name: 'm', path: '/p' },
      { type: 'text', text: 'b' },
    ];
    expect(applyHookPatch({ prompt }, { prompt: 'c' }).prompt).toEqual([
      { type: 'image', url: 'https://x/1.png' },
      { type: 'text', text: 'c' },
      { type: 'mention', name: 'm', path: '/p' },
    ]);
    const imagesOnly: InputItem[] = [{ type: 'image', url: 'https://x/1.png' }];
    expect(applyHookPatch({ prompt: imagesOnly }, { prompt: 'describe' }).prompt).toEqual([
      { type: 'text', text: 'describe' },
      { type: 'image', url: 'https://x/1.png' },
    ]);
  });

  it('adds instructions after the target’s own; replaces model and effort; leaves the target alone', () => {
    const target = { prompt: 'p', model: 'a', effort: 'low' as const, instructions: 'mine' };
    const patched = applyHookPatch(target, { model: 'b', effort: 'high', instructions: 'theirs' });
    expect(patched).toEqual({ prompt: 'p', model: 'b', effort: 'high', instructions: 'mine\n\ntheirs' });
    expect(target).toEqual({ prompt: 'p', model: 'a', effort: 'low', instructions: 'mine' });
    expect(applyHookPatch({}, { instructions: 'only' })).toEqual({ instructions: 'only' });
  });

  it('validates the patch like user input (VALIDATION_FAILED)', () => {
    const bad = [
      { effort: 'max' },
      { model: '' },
      { prompt: 42 },
      { images: [{ type: 'localImage' }] },
      { sandbox: 'danger-full-access' },
    ];
    for (const patch of bad) {
      let error: unknown;
      try {
        applyHookPatch({ prompt: 'p' }, patch as never);
      } catch (e) {
        error = e;
      }
      expect(CodexusError.is(error, 'VALIDATION_FAILED')).toBe(true);
    }
    expect(() => applyHookPatch({ model: 'm' }, { prompt: 'x' })).toThrow(/no prompt to patch/);
  });
});
