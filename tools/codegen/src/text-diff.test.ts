import { describe, expect, it } from 'vitest';
import { lineDiff } from './text-diff.js';

describe('lineDiff', () => {
  it('is empty for equal texts', () => {
    expect(lineDiff('a\nb', 'a\nb', ['x', 'y'])).toBe('');
  });

  it('shows a single edit with context and line numbers', () => {
    const before = ['1', '2', '3', '4', 'old', '6', '7'].join('\n');
    const after = ['1', '2', '3', '4', 'new', '6', '7'].join('\n');
    expect(lineDiff(before, after, ['a', 'b'], { context: 2 })).toBe(
      ['--- a', '+++ b', '@@ -5,1 +5,1 @@', ' 3', ' 4', '-old', '+new', ' 6', ' 7'].join('\n'),
    );
  });

  it('caps long hunks', () => {
    const before = Array.from({ length: 100 }, (_, i) => `a${i}`).join('\n');
    const after = Array.from({ length: 100 }, (_, i) => `b${i}`).join('\n');
    const diff = lineDiff(before, after, ['a', 'b'], { maxLines: 5 });
    expect(diff).toContain('... 195 more changed lines');
  });
});
