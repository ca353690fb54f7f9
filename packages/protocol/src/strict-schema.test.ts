import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { toStrictSchema } from './strict-schema.js';

describe('toStrictSchema', () => {
  const Leaf = v.looseObject({ a: v.string() });
  const Tree: v.GenericSchema<{ name: string; kids?: unknown[] }> = v.looseObject({
    name: v.string(),
    kids: v.optional(v.array(v.lazy(() => Tree))),
  });

  it('turns loose objects strict, everywhere', () => {
    const schema = v.looseObject({
      leaf: Leaf,
      list: v.array(Leaf),
      map: v.record(v.string(), Leaf),
      maybe: v.nullish(Leaf),
      either: v.union([v.string(), Leaf]),
      tagged: v.variant('type', [
        v.looseObject({ type: v.literal('x') }),
        v.looseObject({ type: v.literal('y') }),
      ]),
    });
    const strict = toStrictSchema(schema);
    const ok = {
      leaf: { a: '1' },
      list: [{ a: '2' }],
      map: { k: { a: '3' } },
      maybe: null,
      either: 's',
      tagged: { type: 'x' },
    };
    expect(v.safeParse(strict, ok).success).toBe(true);
    const paths = (value: unknown) =>
      (v.safeParse(strict, value).issues ?? []).map((i) =>
        (i.path ?? []).map((p) => String(p.key)).join('.'),
      );
    expect(paths({ ...ok, extra: 1 })).toEqual(['extra']);
    expect(paths({ ...ok, leaf: { a: '1', b: 2 } })).toEqual(['leaf.b']);
    expect(paths({ ...ok, list: [{ a: '2', b: 2 }] })).toEqual(['list.0.b']);
    expect(paths({ ...ok, map: { k: { a: '3', b: 1 } } })).toEqual(['map.k.b']);
    expect(paths({ ...ok, maybe: { a: '1', b: 1 } })).toEqual(['maybe.b']);
    expect(paths({ ...ok, tagged: { type: 'y', z: 1 } })).toEqual(['tagged.z']);
    // The loose original is untouched.
    expect(v.safeParse(schema, { ...ok, extra: 1 }).success).toBe(true);
  });

  it('follows recursion through v.lazy', () => {
    const strict = toStrictSchema(Tree);
    expect(v.safeParse(strict, { name: 'a', kids: [{ name: 'b', kids: [{ name: 'c' }] }] }).success).toBe(
      true,
    );
    expect(
      v.safeParse(strict, { name: 'a', kids: [{ name: 'b', kids: [{ name: 'c', x: 1 }] }] }).success,
    ).toBe(false);
  });

  it('keeps declared rests, memoises, and returns scalar schemas unchanged', () => {
    const withRest = v.objectWithRest({ a: v.string() }, v.number());
    expect(v.safeParse(toStrictSchema(withRest), { a: 'x', extra: 1 }).success).toBe(true);
    const str = v.string();
    expect(toStrictSchema(str)).toBe(str);
    expect(toStrictSchema(Leaf)).toBe(toStrictSchema(Leaf));
    const piped = v.pipe(v.number(), v.integer());
    expect(toStrictSchema(piped)).toBe(piped);
  });
});
