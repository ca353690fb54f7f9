/**
 * The subset of JSON Schema (draft-07) that `codex app-server generate-json-schema` writes.
 * Anything outside this subset is rejected by the normaliser (see `to-ir.ts`) instead of being
 * silently mistranslated.
 */
export type JsonSchema = boolean | JsonSchemaObject;

export interface JsonSchemaObject {
  $schema?: string;
  $ref?: string;
  title?: string;
  description?: string;
  type?: JsonSchemaType | JsonSchemaType[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  definitions?: Record<string, JsonSchema | Record<string, JsonSchema>>;
}

export type JsonSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** A bundle file: `{ $schema, title, type, definitions: { Name: schema, v2: { Name: schema } } }`. */
export interface JsonSchemaBundle {
  $schema?: string;
  title?: string;
  definitions: Record<string, JsonSchemaObject | Record<string, JsonSchemaObject>>;
}

/** Keywords the normaliser understands; a schema using any other keyword fails generation. */
export const KNOWN_KEYWORDS: ReadonlySet<string> = new Set([
  '$schema',
  '$ref',
  'title',
  'description',
  'type',
  'enum',
  'const',
  'format',
  'minimum',
  'maximum',
  'minLength',
  'default',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'oneOf',
  'anyOf',
  'allOf',
]);

export function isSchemaObject(schema: unknown): schema is JsonSchemaObject {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema);
}

/** The `type` keyword as a list (empty when absent). */
export function typeList(schema: JsonSchemaObject): JsonSchemaType[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** Deterministic JSON (object keys sorted) used for hashing and equality of schemas. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
