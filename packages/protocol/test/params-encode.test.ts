import { describe, expect, it } from 'vitest';
import { inventory, validateParams } from '../src/index.js';
import { snapshotBundle } from './vendored-snapshot.js';

type Schema = Record<string, unknown>;
const bundle = snapshotBundle('stable') as {
  definitions: Record<string, Schema> & { v2?: Record<string, Schema> };
};

function resolve(ref: string): Schema {
  const path = ref.replace(/^#\/definitions\//, '').split('/');
  let node: unknown = bundle.definitions;
  for (const part of path) node = (node as Record<string, unknown>)[part];
  if (!node) throw new Error(`unresolved ${ref}`);
  return node as Schema;
}

function definition(name: string): Schema {
  const found = bundle.definitions.v2?.[name] ?? bundle.definitions[name];
  if (!found) throw new Error(`no definition ${name}`);
  return found;
}

/** The smallest value a JSON Schema accepts: required properties only, first option of a union. */
function minimal(schema: Schema | boolean, depth = 0): unknown {
  if (schema === true || schema === false || depth > 30) return null;
  if (typeof schema.$ref === 'string') return minimal(resolve(schema.$ref), depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = schema[key] as Schema[] | undefined;
    if (options?.length) return minimal(options.find((o) => o.type !== 'null') ?? options[0]!, depth + 1);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1)
    return minimal(schema.allOf[0] as Schema, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return typeof schema.minLength === 'number' ? 'x'.repeat(schema.minLength) || 'x' : 'x';
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'null':
      return null;
    default: {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const out: Record<string, unknown> = {};
      for (const key of (schema.required as string[] | undefined) ?? []) {
        const property = properties[key];
        if (property !== undefined) out[key] = minimal(property, depth + 1);
      }
      return out;
    }
  }
}

describe('params of every stable client request validate strictly and encode', () => {
  it('builds minimal params from the snapshot for each stable request; validateParams accepts them; JSON encodes', () => {
    const stable = inventory().methods.filter(
      (m) => m.group === 'clientRequest' && !m.requiresExperimentalApi && m.paramsType !== null,
    );
    const failures: string[] = [];
    for (const method of stable) {
      const params = minimal(definition(method.paramsType!));
      try {
        const checked = validateParams(method.method, params, { experimentalApi: false });
        const wire = JSON.parse(JSON.stringify({ id: 1, method: method.method, params: checked }));
        expect(wire.params).toEqual(checked);
      } catch (error) {
        failures.push(`${method.method}: ${(error as Error).message}`);
      }
    }
    console.log(
      `params validated and encoded for ${stable.length - failures.length} of ${stable.length} stable requests`,
    );
    expect(failures).toEqual([]);
    expect(stable.length).toBeGreaterThanOrEqual(100);
  });
});
