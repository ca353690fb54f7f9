import { CodexusError } from '@codexus/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';

/** A JSON object (a JSON Schema, a parsed payload). */
export type JsonObject = Record<string, unknown>;

/**
 * What `ask(prompt, { output })` takes: a valibot schema (its JSON Schema is derived), or any Standard
 * Schema together with an explicit JSON Schema (you vouch that the two agree).
 */
export type OutputSpec<T = unknown> =
  | v.GenericSchema<unknown, T>
  | { readonly standard: StandardSchemaV1<unknown, T>; readonly jsonSchema: JsonObject };

/** The output type of an {@link OutputSpec}. */
export type InferOutputOf<S> =
  S extends v.GenericSchema<unknown, infer T>
    ? T
    : S extends { standard: StandardSchemaV1<unknown, infer T> }
      ? T
      : never;

export interface OutputIssue {
  path: string;
  message: string;
}

/** The final message was not JSON, or not of the schema's shape. Nothing is coerced. */
export class OutputInvalidError extends CodexusError {
  static override readonly brand: string = 'codexus.error.OutputInvalidError';
  /** The model's final message, verbatim. */
  readonly rawText: string;
  readonly issues: readonly OutputIssue[];

  constructor(
    message: string,
    rawText: string,
    issues: readonly OutputIssue[],
    data: Record<string, unknown> = {},
  ) {
    super('OUTPUT_INVALID', message, { data: { rawText, issues, ...data } });
    this.name = 'OutputInvalidError';
    this.rawText = rawText;
    this.issues = issues;
  }
}

/** A checked output spec: the JSON Schema to send and the parser for the final message. */
export interface PreparedOutput<T> {
  readonly jsonSchema: JsonObject;
  parse(text: string): Promise<T>;
}

/** Schema types the JSON Schema side cannot express (functions, promises, maps, ...). */
const UNSUPPORTED_TYPES = new Set([
  'function',
  'promise',
  'symbol',
  'bigint',
  'blob',
  'file',
  'map',
  'set',
  'instance',
  'custom',
  'date',
  'nan',
  'void',
  'undefined',
  'never',
  'unknown',
  'any',
  'lazy',
]);

/** Object schemas the strict form cannot hold (extra keys are never allowed there). */
const OPEN_OBJECTS = new Set(['loose_object', 'object_with_rest', 'record']);
const OPTIONAL_WRAPPERS = new Set(['optional', 'exact_optional', 'undefinedable']);

interface SchemaNode {
  type: string;
  kind?: string;
  pipe?: readonly SchemaNode[];
  entries?: Record<string, SchemaNode>;
  item?: SchemaNode;
  items?: readonly SchemaNode[];
  options?: readonly SchemaNode[];
  wrapped?: SchemaNode;
}

/**
 * Checks an output spec before any RPC and returns the JSON Schema in the strict form the model side
 * accepts (codex 0.169.0 sends it as `text.format = {type: "json_schema", strict: true, ...}`): the
 * root is an object, every object lists all its properties as `required` and has
 * `additionalProperties: false`. A valibot schema that cannot be expressed this way is refused with
 * `VALIDATION_FAILED` naming the offending path.
 */
export function prepareOutput<T>(spec: OutputSpec<T>): PreparedOutput<T> {
  if (isStandardWithJson(spec)) {
    const jsonSchema = spec.jsonSchema;
    if (jsonSchema.type !== 'object') refuse('$', 'the root of an output schema must be an object');
    return {
      jsonSchema,
      parse: (text) => parseWith(text, (value) => standardValidate(spec.standard, value)),
    };
  }
  const schema = spec as v.GenericSchema<unknown, T>;
  if (!isValibot(schema)) refuse('$', 'output must be a valibot schema, or { standard, jsonSchema }');
  const root = schema as unknown as SchemaNode;
  if (root.type !== 'object' && root.type !== 'strict_object') {
    refuse('$', `the root of an output schema must be an object (got ${root.type})`);
  }
  walk(root, '$');
  let converted: JsonObject;
  try {
    converted = toJsonSchema(schema, { errorMode: 'ignore' }) as JsonObject;
  } catch (error) {
    refuse('$', `cannot convert to JSON Schema: ${(error as Error).message}`);
  }
  const { $schema: _drop, ...jsonSchema } = converted;
  strictify(jsonSchema);
  return {
    jsonSchema,
    parse: (text) =>
      parseWith<T>(text, async (value): Promise<Validation<T>> => {
        const result = await v.safeParseAsync(schema, value);
        return result.success
          ? { value: result.output as T }
          : { issues: result.issues.map((i) => ({ path: `$${dotted(i.path)}`, message: i.message })) };
      }),
  };
}

function walk(node: SchemaNode, path: string): void {
  if (UNSUPPORTED_TYPES.has(node.type))
    refuse(path, `${node.type} schemas cannot be expressed as JSON Schema`);
  if (OPEN_OBJECTS.has(node.type)) {
    refuse(
      path,
      `${node.type} allows extra keys, which the strict output form forbids; use v.object or v.strictObject`,
    );
  }
  for (const action of node.pipe ?? []) {
    if (action.kind === 'transformation') {
      refuse(
        path,
        `the transformation "${action.type}" changes the value, so the JSON Schema would not describe it`,
      );
    }
    if (action.kind === 'schema' && action !== node) walk(action, path);
  }
  if (node.entries) {
    for (const [key, child] of Object.entries(node.entries)) {
      const childPath = `${path}.${key}`;
      if (OPTIONAL_WRAPPERS.has(child.type)) {
        refuse(
          childPath,
          'optional properties are not allowed: the model must always send every key; use v.nullable(...)',
        );
      }
      walk(child, childPath);
    }
  }
  if (node.item) walk(node.item, `${path}[]`);
  for (const [i, item] of (node.items ?? []).entries()) walk(item, `${path}[${i}]`);
  for (const [i, option] of (node.options ?? []).entries()) walk(option, `${path}|${i}`);
  if (node.wrapped) walk(node.wrapped, path);
}

/** Every object: all properties required, no additional properties. */
function strictify(node: unknown): void {
  if (Array.isArray(node)) {
    for (const child of node) strictify(child);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as JsonObject;
  if (record.type === 'object' && typeof record.properties === 'object' && record.properties !== null) {
    record.required = Object.keys(record.properties);
    record.additionalProperties = false;
  }
  for (const value of Object.values(record)) strictify(value);
}

type Validation<T> = { value: T } | { issues: OutputIssue[] };

async function parseWith<T>(text: string, validate: (value: unknown) => Promise<Validation<T>>): Promise<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new OutputInvalidError(`the final message is not JSON: ${(error as Error).message}`, text, [
      { path: '$', message: 'not JSON' },
    ]);
  }
  const checked = await validate(value);
  if ('issues' in checked) {
    const first = checked.issues[0];
    throw new OutputInvalidError(
      `the final message does not match the output schema${first ? ` at ${first.path}: ${first.message}` : ''}`,
      text,
      checked.issues,
    );
  }
  return checked.value;
}

async function standardValidate<T>(
  schema: StandardSchemaV1<unknown, T>,
  value: unknown,
): Promise<Validation<T>> {
  const result = await schema['~standard'].validate(value);
  if (!result.issues) return { value: result.value };
  return {
    issues: result.issues.map((issue) => ({
      path: `$${dotted(issue.path?.map((p) => (typeof p === 'object' && p !== null && 'key' in p ? { key: p.key } : { key: p })))}`,
      message: issue.message,
    })),
  };
}

function dotted(path: readonly { key: unknown }[] | undefined): string {
  return (path ?? []).map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`)).join('');
}

function isValibot(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'schema' &&
    '~run' in value
  );
}

function isStandardWithJson<T>(spec: OutputSpec<T>): spec is Extract<OutputSpec<T>, { standard: unknown }> {
  return typeof spec === 'object' && spec !== null && 'standard' in spec && 'jsonSchema' in spec;
}

function refuse(path: string, message: string): never {
  throw new CodexusError('VALIDATION_FAILED', `output schema at ${path}: ${message}`, { data: { path } });
}
