import { describe, expect, it } from 'vitest';
import { irContext } from '../test/fixtures.js';
import { emitTypeDefinition, emitTypes, tsType } from './emit-types.js';
import type { JsonSchema } from './json-schema.js';
import { schemaToIr } from './to-ir.js';

/** JSON Schema → TypeScript type text, through the IR (as the generator does). */
const ts = (schema: JsonSchema): string => tsType(schemaToIr(schema, irContext()), '', 0);

const def = (name: string, schema: JsonSchema, experimentalOnly = false): string =>
  emitTypeDefinition({
    name,
    key: `v2/${name}`,
    node: schemaToIr(schema, irContext(), '#', true),
    experimentalOnly,
    ...(typeof schema === 'object' && schema.description ? { description: schema.description } : {}),
  });

describe('tsType', () => {
  it('prints scalars, integers with format, enums and literals', () => {
    expect(ts({ type: 'string' })).toBe('string');
    expect(ts({ type: 'integer', format: 'uint32', minimum: 0 })).toBe('number');
    expect(ts({ type: 'boolean' })).toBe('boolean');
    expect(ts({ enum: ['a', "it's"], type: 'string' })).toBe("'a' | 'it\\'s'");
    expect(ts({ enum: ['only'], type: 'string' })).toBe("'only'");
    expect(ts(true)).toBe('unknown');
  });

  it('prints optional and nullable', () => {
    expect(ts({ type: ['string', 'null'] })).toBe('string | null');
    expect(
      ts({
        properties: { a: { type: 'string' }, b: { type: ['integer', 'null'], format: 'int64' } },
        required: ['a'],
        type: 'object',
      }),
    ).toBe('{ a: string; b?: number | null }');
  });

  it('prints refs, arrays and maps', () => {
    expect(ts({ $ref: '#/definitions/v2/Thread' })).toBe('Thread');
    expect(ts({ items: { $ref: '#/definitions/v2/Thread' }, type: 'array' })).toBe('Thread[]');
    expect(ts({ items: { type: ['string', 'null'] }, type: 'array' })).toBe('Array<string | null>');
    expect(ts({ additionalProperties: { type: 'boolean' }, type: 'object' })).toBe(
      '{ [key: string]: boolean }',
    );
    expect(
      ts({
        properties: { a: { type: 'string' } },
        additionalProperties: true,
        required: ['a'],
        type: 'object',
      }),
    ).toBe('{ a: string; [key: string]: unknown }');
    expect(
      ts({ properties: { a: { type: 'string' } }, additionalProperties: { type: 'number' }, type: 'object' }),
    ).toBe('{ a?: string } & { [key: string]: number }');
  });

  it('quotes property names that are not identifiers', () => {
    expect(ts({ properties: { 'content-type': { type: 'string' } }, type: 'object' })).toBe(
      "{ 'content-type'?: string }",
    );
  });

  it('prints tagged and untagged unions', () => {
    const tagged = ts({
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
    expect(tagged).toBe("{ type: 'text'; text: string } | { type: 'image'; url: string }");
    const untagged = ts({
      anyOf: [{ type: 'string' }, { items: { type: 'string' }, type: 'array' }],
    });
    expect(untagged).toBe('string | string[]');
    expect(ts({ anyOf: [{ enum: ['a'], type: 'string' }, { type: 'string' }] })).toBe("'a' | (string & {})");
  });

  it('breaks long or documented unions over lines with per-member docs', () => {
    const text = ts({
      oneOf: [
        { enum: ['unauthorized'], type: 'string', description: 'Got a 401.' },
        { enum: ['other'], type: 'string' },
      ],
    });
    expect(text).toBe("\n  /** Got a 401. */\n  | 'unauthorized'\n  | 'other'");
  });
});

describe('emitTypeDefinition', () => {
  it('emits interfaces for objects, with docs, defaults and experimental tags', () => {
    const text = emitTypeDefinition({
      name: 'ThingParams',
      key: 'v2/ThingParams',
      description: 'Start a thing.',
      experimentalOnly: false,
      node: schemaToIr(
        {
          properties: {
            name: { type: 'string', description: 'Its name.' },
            turbo: { type: 'boolean', default: false },
          },
          required: ['name'],
          type: 'object',
        },
        irContext({ experimentalFields: new Set(['turbo']) }),
        '#',
        true,
      ),
    });
    expect(text).toBe(
      [
        '/** Start a thing. */',
        'export interface ThingParams {',
        '  /** Its name. */',
        '  name: string;',
        '  /**',
        '   * @default false',
        '   * @experimental Needs `capabilities.experimentalApi: true` at initialize.',
        '   */',
        '  turbo?: boolean;',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('emits type aliases for non-objects and Record<string, never> for empty structs', () => {
    expect(def('Mode', { enum: ['a', 'b'], type: 'string' })).toBe("export type Mode = 'a' | 'b';\n");
    expect(def('Empty', { type: 'object' })).toBe('export type Empty = Record<string, never>;\n');
    expect(def('Secret', { type: 'string' }, true)).toBe(
      '/** @experimental Needs `capabilities.experimentalApi: true` at initialize. */\nexport type Secret = string;\n',
    );
  });

  it('emits recursive references by name', () => {
    expect(
      def('Tree', {
        properties: { children: { items: { $ref: '#/definitions/Tree' }, type: 'array' } },
        required: ['children'],
        type: 'object',
      }),
    ).toBe('export interface Tree {\n  children: Tree[];\n}\n');
  });

  it('prints shared properties of a union as an intersection', () => {
    const text = def('Item', {
      oneOf: [
        { properties: { type: { enum: ['a'], type: 'string' } }, required: ['type'], type: 'object' },
        { properties: { type: { enum: ['b'], type: 'string' } }, required: ['type'], type: 'object' },
      ],
      properties: { at: { type: 'integer', format: 'int64' } },
      type: 'object',
    });
    expect(text).toBe(
      "export type Item = {\n  at?: number;\n} & (\n  | { type: 'a' }\n  | { type: 'b' }\n);\n",
    );
  });

  it('neutralises comment terminators in descriptions', () => {
    expect(def('X', { type: 'string', description: 'a */ b' })).toContain('/** a *\\/ b */');
  });
});

describe('emitTypes', () => {
  it('sorts definitions by name', () => {
    const node = schemaToIr({ type: 'string' }, irContext());
    const text = emitTypes([
      { name: 'B', key: 'B', node, experimentalOnly: false },
      { name: 'A', key: 'A', node, experimentalOnly: false },
    ]);
    expect(text).toBe('export type A = string;\n\nexport type B = string;\n');
  });
});
