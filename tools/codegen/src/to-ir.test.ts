import { describe, expect, it } from 'vitest';
import { irContext } from '../test/fixtures.js';
import type { IrNode } from './ir.js';
import { schemaToIr, variantOf } from './to-ir.js';

const ir = (schema: Parameters<typeof schemaToIr>[0], top = false): IrNode =>
  schemaToIr(schema, irContext(), '#', top);

describe('schemaToIr', () => {
  it('maps scalars, integers with formats and minLength', () => {
    expect(ir({ type: 'string' })).toEqual({ kind: 'string' });
    expect(ir({ type: 'string', minLength: 1 })).toEqual({ kind: 'string', minLength: 1 });
    expect(ir({ type: 'boolean' })).toEqual({ kind: 'boolean' });
    expect(ir({ type: 'integer', format: 'uint16', minimum: 0 })).toMatchObject({
      kind: 'number',
      integer: true,
      min: 0,
      max: 65535,
    });
    expect(ir({ type: 'integer', format: 'int64' })).toMatchObject({
      integer: true,
      min: undefined,
      max: undefined,
    });
    expect(ir({ type: 'number', format: 'double' })).toMatchObject({ kind: 'number', integer: false });
    expect(() => ir({ type: 'integer', format: 'int128' })).toThrow(/unknown integer format "int128"/);
  });

  it('turns type arrays and anyOf-with-null into nullable', () => {
    expect(ir({ type: ['string', 'null'] })).toEqual({ kind: 'nullable', inner: { kind: 'string' } });
    expect(ir({ anyOf: [{ $ref: '#/definitions/v2/Thread' }, { type: 'null' }] })).toEqual({
      kind: 'nullable',
      inner: { kind: 'ref', name: 'Thread' },
    });
    expect(
      ir({ anyOf: [{ anyOf: [{ $ref: '#/definitions/A' }, { type: 'null' }] }, { type: 'null' }] }),
    ).toEqual({
      kind: 'nullable',
      inner: { kind: 'ref', name: 'A' },
    });
    expect(ir({ type: ['string', 'object'] })).toEqual({
      kind: 'union',
      options: [{ kind: 'string' }, { kind: 'record', values: { kind: 'unknown' } }],
    });
  });

  it('maps enums to literals and picklists', () => {
    expect(ir({ enum: ['only'], type: 'string' })).toEqual({ kind: 'literal', value: 'only' });
    expect(ir({ enum: ['a', 'b'], type: 'string' })).toMatchObject({ kind: 'enum', values: ['a', 'b'] });
    expect(ir({ enum: ['a', null], type: ['string', 'null'] })).toEqual({
      kind: 'nullable',
      inner: { kind: 'literal', value: 'a' },
    });
  });

  it('unwraps single allOf wrappers and rejects other allOf uses', () => {
    expect(ir({ allOf: [{ $ref: '#/definitions/X' }], default: 'x', description: 'd' })).toEqual({
      kind: 'ref',
      name: 'X',
    });
    expect(() => ir({ allOf: [{ type: 'string' }, { type: 'string' }] })).toThrow(/allOf/);
  });

  it('builds objects with required/optional properties and documentation', () => {
    const node = ir({
      properties: {
        id: { type: 'string', description: 'The id.' },
        note: { type: ['string', 'null'], default: null },
      },
      required: ['id'],
      type: 'object',
    });
    expect(node).toEqual({
      kind: 'object',
      mode: 'loose',
      properties: [
        {
          name: 'id',
          node: { kind: 'string' },
          optional: false,
          experimental: false,
          description: 'The id.',
        },
        {
          name: 'note',
          node: { kind: 'nullable', inner: { kind: 'string' } },
          optional: true,
          experimental: false,
          default: null,
        },
      ],
    });
  });

  it('maps additionalProperties to strict objects, rests and records', () => {
    expect(
      ir({ properties: { a: { type: 'string' } }, additionalProperties: false, type: 'object' }),
    ).toMatchObject({
      mode: 'strict',
    });
    expect(
      ir({ properties: { a: { type: 'string' } }, additionalProperties: true, type: 'object' }),
    ).toMatchObject({
      mode: 'rest',
      rest: { kind: 'unknown' },
    });
    expect(ir({ additionalProperties: { type: 'string' }, type: 'object' })).toEqual({
      kind: 'record',
      values: { kind: 'string' },
    });
    expect(ir({ type: 'object' })).toEqual({ kind: 'record', values: { kind: 'unknown' } });
    expect(ir({ type: 'object' }, true)).toEqual({ kind: 'object', mode: 'empty', properties: [] });
    expect(schemaToIr({ type: 'object' }, irContext({ freeform: true }), '#', true)).toEqual({
      kind: 'record',
      values: { kind: 'unknown' },
    });
  });

  it('marks experimental top-level fields only at the top', () => {
    const node = schemaToIr(
      { properties: { a: { type: 'string' }, b: { type: 'string' } }, type: 'object' },
      irContext({ experimentalFields: new Set(['b']) }),
      '#',
      true,
    );
    expect(node.kind === 'object' && node.properties.map((p) => [p.name, p.experimental])).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });

  it('detects tagged unions (oneOf of objects with a required literal tag) as variants', () => {
    const node = ir({
      oneOf: [
        {
          properties: { type: { enum: ['text'], type: 'string' }, text: { type: 'string' } },
          required: ['type', 'text'],
          type: 'object',
        },
        {
          properties: { type: { enum: ['image'], type: 'string' }, url: { type: 'string' } },
          required: ['type', 'url'],
          type: 'object',
        },
      ],
    });
    expect(node.kind).toBe('variant');
    expect(node.kind === 'variant' && node.key).toBe('type');
  });

  it('keeps untagged unions as unions and collapses string branches into one enum', () => {
    const node = ir({
      oneOf: [
        { enum: ['accept'], type: 'string', description: 'Yes.' },
        { enum: ['decline'], type: 'string' },
        {
          additionalProperties: false,
          properties: { amend: { type: 'string' } },
          required: ['amend'],
          type: 'object',
        },
      ],
    });
    expect(node.kind).toBe('union');
    if (node.kind !== 'union') return;
    expect(node.options[0]).toEqual({
      kind: 'enum',
      values: ['accept', 'decline'],
      valueDocs: [{ description: 'Yes.' }, {}],
    });
    expect(node.options[1]).toMatchObject({ kind: 'object', mode: 'strict' });
  });

  it('keeps shared properties next to oneOf as `shared` and flattens nested unions', () => {
    const node = ir({
      oneOf: [
        { properties: { type: { enum: ['a'], type: 'string' } }, required: ['type'], type: 'object' },
        {
          anyOf: [
            { properties: { fileId: { type: 'string' } }, required: ['fileId'], type: 'object' },
            { properties: { url: { type: 'string' } }, required: ['url'], type: 'object' },
          ],
          properties: { type: { enum: ['b'], type: 'string' } },
          required: ['type'],
          type: 'object',
        },
      ],
      properties: { at: { type: 'integer', format: 'int64' } },
      type: 'object',
    });
    expect(node.kind).toBe('variant');
    if (node.kind !== 'variant') return;
    expect(node.shared?.properties.map((p) => p.name)).toEqual(['at']);
    expect(node.options.map((o) => o.properties.map((p) => p.name))).toEqual([
      ['type'],
      ['type', 'fileId'],
      ['type', 'url'],
    ]);
  });

  it('treats boolean schemas and empty schemas as unknown/never', () => {
    expect(ir(true)).toEqual({ kind: 'unknown' });
    expect(ir(false)).toEqual({ kind: 'never' });
    expect(ir({ description: 'anything' })).toEqual({ kind: 'unknown' });
  });

  it('rejects keywords outside the supported subset with the JSON path', () => {
    expect(() =>
      schemaToIr({ type: 'string', pattern: '^a' } as never, irContext(), '#/definitions/X'),
    ).toThrow('#/definitions/X: unsupported JSON Schema keyword "pattern"');
  });

  it('notes required properties that are not declared', () => {
    const notes: string[] = [];
    const node = schemaToIr(
      { properties: {}, required: ['ghost'], type: 'object' },
      irContext({ notes }),
      '#/X',
    );
    expect(node).toMatchObject({
      kind: 'object',
      properties: [{ name: 'ghost', node: { kind: 'unknown' } }],
    });
    expect(notes[0]).toMatch(/"ghost" is required but not declared/);
  });
});

describe('variantOf', () => {
  const obj = (tag: string, extra = 'x') => ({
    kind: 'object' as const,
    mode: 'loose' as const,
    properties: [
      { name: 'kind', node: { kind: 'literal' as const, value: tag }, optional: false, experimental: false },
      { name: extra, node: { kind: 'string' as const }, optional: false, experimental: false },
    ],
  });

  it('prefers distinct tags and accepts repeated ones (valibot tries each match)', () => {
    expect(variantOf([obj('a'), obj('b')])).toMatchObject({ kind: 'variant', key: 'kind' });
    expect(variantOf([obj('a', 'x'), obj('a', 'y')])).toMatchObject({ kind: 'variant', key: 'kind' });
  });

  it('gives up without a common required literal', () => {
    expect(variantOf([obj('a'), { kind: 'string' }])).toBeUndefined();
    expect(variantOf([obj('a')])).toBeUndefined();
  });
});
