import { describe, expect, it } from 'vitest';
import { docComment, propertyKey, quote, wrapDoc } from './print.js';

describe('print helpers', () => {
  it('quotes strings for single-quoted TypeScript', () => {
    expect(quote("it's")).toBe("'it\\'s'");
    expect(quote('say "hi"\n')).toBe('\'say "hi"\\n\'');
    expect(propertyKey('_meta')).toBe('_meta');
    expect(propertyKey('a-b')).toBe("'a-b'");
  });

  it('writes doc comments, single-line when short', () => {
    expect(docComment(['Short.'], [], '  ')).toBe('  /** Short. */\n');
    expect(docComment([undefined, ''], [], '')).toBe('');
    expect(docComment(['One.\n\nTwo.'], ['@deprecated old'], '')).toBe(
      '/**\n * One.\n *\n * Two.\n *\n * @deprecated old\n */\n',
    );
    expect(docComment(['@mention first'], [], '')).toBe('/** \\@mention first */\n');
  });
});

describe('wrapDoc', () => {
  it('wraps long prose but keeps code, indented lines and tables', () => {
    const long = 'word '.repeat(30).trim();
    const wrapped = wrapDoc([long], 40);
    expect(wrapped.every((l) => l.length <= 40)).toBe(true);
    expect(wrapped.join(' ')).toBe(long);
    const code = ['```', long, '```', `  ${long}`, `| ${long} |`];
    expect(wrapDoc(code, 40)).toEqual(code);
  });
});
