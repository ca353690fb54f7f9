import { describe, expect, it } from 'vitest';
import { irContext } from '../test/fixtures.js';
import {
  emitHelpers,
  emitSchemas,
  numberHelper,
  orderDefinitions,
  type SchemaPrintContext,
  vSchema,
} from './emit-schemas.js';
import type { IrDefinition } from './ir.js';
import type { JsonSchema } from './json-schema.js';
import { schemaToIr } from './to-ir.js';

function ctx(lazy: string[] = []): SchemaPrintContext {
  return { isEager: (name) => !lazy.includes(name), helpers: new Set() };
}

/** JSON Schema → valibot text, through the IR (as the generator does). */
const vs = (schema: JsonSchema, c = ctx()): string => vSchema(schemaToIr(schema, irContext()), '', 0, c);

const defOf = (name: string, schema: JsonSchema): IrDefinition => ({
  name,
  key: name,
  node: schemaToIr(schema, irContext(), '#', true),
  experimentalOnly: false,
});

describe('vSchema', () => {
  it('prints scalars and integers with format through shared helpers', () => {
    const c = ctx();
    expect(vs({ type: 'string' }, c)).toBe('v.string()');
    expect(vs({ type: 'string', minLength: 1 }, c)).toBe('v.pipe(v.string(), v.minLength(1))');
    expect(vs({ type: 'integer', format: 'uint32', minimum: 0 }, c)).toBe('uint32');
    expect(vs({ type: 'integer', format: 'int64' }, c)).toBe('int64');
    expect(vs({ type: 'integer', format: 'int64', minimum: 1 }, c)).toBe(
      'v.pipe(v.number(), v.integer(), v.minValue(1))',
    );
    expect([...c.helpers].sort()).toEqual(['int64', 'uint32']);
    expect(emitHelpers(c.helpers)).toBe(
      [
        'const int64 = v.pipe(v.number(), v.integer());',
        'const uint32 = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(4294967295));',
      ].join('\n'),
    );
  });

  it('prints enums, literals, nullable and optional properties', () => {
    expect(vs({ enum: ['a', 'b'], type: 'string' })).toBe("v.picklist(['a', 'b'])");
    expect(vs({ enum: ['a'], type: 'string' })).toBe("v.literal('a')");
    expect(vs({ type: ['string', 'null'] })).toBe('v.nullable(v.string())');
    expect(
      vs({
        properties: {
          a: { type: 'string' },
          b: { type: ['string', 'null'] },
          c: { type: 'boolean' },
          d: { type: ['string', 'null'] },
        },
        required: ['a', 'd'],
        type: 'object',
      }),
    ).toBe(
      'v.looseObject({\n  a: v.string(),\n  b: v.nullish(v.string()),\n  c: v.optional(v.boolean()),\n  d: v.nullable(v.string()),\n})',
    );
  });

  it('prints strict objects, rests, maps and empty structs', () => {
    expect(
      vs({
        properties: { a: { type: 'string' } },
        additionalProperties: false,
        required: ['a'],
        type: 'object',
      }),
    ).toBe('v.strictObject({ a: v.string() })');
    expect(
      vs({
        properties: { a: { type: 'string' } },
        additionalProperties: true,
        required: ['a'],
        type: 'object',
      }),
    ).toBe('v.objectWithRest({ a: v.string() }, v.unknown())');
    expect(vs({ additionalProperties: { type: 'string' }, type: 'object' })).toBe(
      'v.record(v.string(), v.string())',
    );
    const c = ctx();
    expect(vSchema(schemaToIr({ type: 'object' }, irContext(), '#', true), '', 0, c)).toBe('emptyStruct');
    expect(emitHelpers(c.helpers)).toContain('const emptyStruct = v.looseObject({}) as unknown as');
  });

  it('prints tagged unions as v.variant and untagged ones as v.union', () => {
    expect(
      vs({
        oneOf: [
          { properties: { type: { enum: ['a'], type: 'string' } }, required: ['type'], type: 'object' },
          { properties: { type: { enum: ['b'], type: 'string' } }, required: ['type'], type: 'object' },
        ],
      }),
    ).toBe(
      "v.variant('type', [v.looseObject({ type: v.literal('a') }), v.looseObject({ type: v.literal('b') })])",
    );
    expect(vs({ anyOf: [{ type: 'string' }, { type: 'integer', format: 'int64' }] })).toBe(
      'v.union([v.string(), int64])',
    );
  });

  it('merges shared properties into every variant option', () => {
    expect(
      vs({
        oneOf: [
          { properties: { type: { enum: ['a'], type: 'string' } }, required: ['type'], type: 'object' },
        ],
        properties: { at: { type: 'string' } },
        type: 'object',
      }),
    ).toBe("v.union([v.looseObject({ at: v.optional(v.string()), type: v.literal('a') })])");
  });

  it('references definitions directly, or through v.lazy inside a cycle', () => {
    expect(vs({ $ref: '#/definitions/v2/Thread' })).toBe('ThreadSchema');
    expect(vs({ $ref: '#/definitions/v2/Thread' }, ctx(['Thread']))).toBe('v.lazy(() => ThreadSchema)');
  });
});

describe('numberHelper', () => {
  it('names only exact format ranges', () => {
    expect(numberHelper({ kind: 'number', integer: true, format: 'uint16', min: 0, max: 65535 })).toBe(
      'uint16',
    );
    expect(
      numberHelper({ kind: 'number', integer: true, format: 'uint16', min: 1, max: 65535 }),
    ).toBeUndefined();
    expect(numberHelper({ kind: 'number', integer: false })).toBe('number');
  });
});

describe('orderDefinitions / emitSchemas', () => {
  it('orders dependencies first and detects cycles', () => {
    const defs = [
      defOf('A', { properties: { b: { $ref: '#/definitions/B' } }, type: 'object' }),
      defOf('B', { type: 'string' }),
      defOf('Tree', {
        properties: { kids: { items: { $ref: '#/definitions/Tree' }, type: 'array' } },
        type: 'object',
      }),
      defOf('Ping', { properties: { pong: { $ref: '#/definitions/Pong' } }, type: 'object' }),
      defOf('Pong', { properties: { ping: { $ref: '#/definitions/Ping' } }, type: 'object' }),
    ];
    const { order, cyclic } = orderDefinitions(defs);
    const names = order.map((d) => d.name);
    expect(names.indexOf('B')).toBeLessThan(names.indexOf('A'));
    expect([...cyclic].sort()).toEqual(['Ping', 'Pong', 'Tree']);
    const { body } = emitSchemas(defs);
    expect(body).toContain(
      'export const ASchema: v.GenericSchema<A> = v.looseObject({ b: v.optional(BSchema) });',
    );
    expect(body).toContain('kids: v.optional(v.array(v.lazy(() => TreeSchema)))');
    expect(body).toContain('pong: v.optional(v.lazy(() => PongSchema))');
  });

  it('fails on a reference to a definition that is not emitted', () => {
    expect(() => orderDefinitions([defOf('A', { $ref: '#/definitions/Missing' })])).toThrow(
      /references Missing/,
    );
  });
});
