import { describe, expect, it } from 'vitest';
import { mergeTables, tomlKey, tomlLiteral, toToml } from './toml.js';

describe('toToml', () => {
  it('writes top-level keys first, then tables (sub-tables with dotted headers)', () => {
    const text = toToml({
      a: 'x',
      t: { b: 1, inner: { c: true } },
      z: false,
      empty: {},
    });
    expect(text).toBe('a = "x"\nz = false\n\n[t]\nb = 1\n\n[t.inner]\nc = true\n\n[empty]\n');
  });

  it('skips a table header that only holds sub-tables', () => {
    expect(toToml({ model_providers: { p: { name: 'n' } } })).toBe('[model_providers.p]\nname = "n"\n');
  });

  it('quotes keys that are not bare and escapes strings', () => {
    expect(tomlKey('a.b')).toBe('"a.b"');
    expect(tomlKey('codexus-scripted')).toBe('codexus-scripted');
    expect(tomlLiteral('say "hi"\n')).toBe('"say \\"hi\\"\\n"');
    expect(tomlLiteral(['a', 1, [true]])).toBe('["a", 1, [true]]');
    expect(tomlLiteral({ k: 'v', n: 2 })).toBe('{ k = "v", n = 2 }');
    expect(() => tomlLiteral(Number.NaN)).toThrow(/NaN/);
  });

  it('leaves out undefined values', () => {
    expect(toToml({ a: undefined, b: 1 })).toBe('b = 1\n');
  });
});

describe('mergeTables', () => {
  it('merges tables recursively, replaces other values, removes keys set to undefined', () => {
    expect(
      mergeTables(
        { a: 1, t: { x: 1, y: 2 }, list: [1], gone: 'x' },
        { t: { y: 3, z: 4 }, list: [2], gone: undefined },
      ),
    ).toEqual({ a: 1, t: { x: 1, y: 3, z: 4 }, list: [2], gone: undefined });
  });
});
