import type { Definition, DefinitionSet } from './collect-definitions.js';
import {
  type IrDefinition,
  type IrDoc,
  type IrNode,
  type IrObject,
  type IrProperty,
  mergeShared,
} from './ir.js';
import {
  canonicalJson,
  isSchemaObject,
  type JsonSchema,
  type JsonSchemaObject,
  KNOWN_KEYWORDS,
  typeList,
} from './json-schema.js';
import { DISCRIMINATOR_PREFERENCE, INTEGER_FORMATS, NUMBER_FORMATS } from './policy.js';

/**
 * Pass 4 of the pipeline: normalise JSON Schema into the IR.
 * - `type: [X, "null"]`, `anyOf: [X, {type: null}]` → `nullable(X)`
 * - `allOf: [one]` → that one (the wrapper only carries a description/default)
 * - `oneOf`/`anyOf` whose branches are objects sharing a required single-literal property → `variant`
 * - string-literal branches of a union are collapsed into one `enum`
 * - object + `oneOf` (shared properties plus alternatives) → the shared properties merged into each branch
 * Anything else outside the supported subset throws, naming the JSON path.
 */

export interface IrContext {
  /** `$ref` → definition name. */
  refName(ref: string): string;
  /** Top-level properties that only the experimental bundle has. */
  experimentalFields?: ReadonlySet<string> | undefined;
  /** Top-level union branches that only the experimental bundle has. */
  experimentalBranches?: ReadonlySet<number> | undefined;
  /** A property-less top-level object is an open map rather than an empty struct. */
  freeform?: boolean | undefined;
  /** Collects schema oddities worth reporting. */
  notes?: string[] | undefined;
}

const META_KEYS = new Set(['$schema', 'title', 'description', 'default']);

function fail(path: string, message: string): never {
  throw new Error(`${path}: ${message}`);
}

function checkKeywords(schema: JsonSchemaObject, path: string): void {
  for (const key of Object.keys(schema)) {
    if (!KNOWN_KEYWORDS.has(key)) fail(path, `unsupported JSON Schema keyword "${key}"`);
  }
}

function nullable(node: IrNode): IrNode {
  if (node.kind === 'nullable' || node.kind === 'null' || node.kind === 'unknown') return node;
  return { kind: 'nullable', inner: node };
}

function withDoc<T extends IrNode>(node: T, doc: IrDoc): T {
  const out = { ...node };
  if (doc.description !== undefined) out.description = doc.description;
  if (doc.experimental) out.experimental = true;
  return out;
}

function stripDoc(node: IrNode): IrNode {
  const { description: _d, experimental: _e, ...rest } = node;
  return rest as IrNode;
}

/** Normalises one schema. `top` is true for the root of a definition. */
export function schemaToIr(schema: JsonSchema, ctx: IrContext, path = '#', top = false): IrNode {
  if (schema === true) return { kind: 'unknown' };
  if (schema === false) return { kind: 'never' };
  if (!isSchemaObject(schema)) fail(path, 'schema is neither an object nor a boolean');
  checkKeywords(schema, path);

  if (schema.$ref !== undefined) {
    const extra = Object.keys(schema).filter((k) => k !== '$ref' && !META_KEYS.has(k));
    if (extra.length > 0) fail(path, `$ref with sibling keywords ${extra.join(', ')}`);
    return { kind: 'ref', name: ctx.refName(schema.$ref) };
  }
  if (schema.allOf !== undefined) {
    const extra = Object.keys(schema).filter((k) => k !== 'allOf' && !META_KEYS.has(k));
    if (schema.allOf.length !== 1 || extra.length > 0)
      fail(path, 'allOf is only supported as a single-schema wrapper');
    return schemaToIr(schema.allOf[0]!, ctx, `${path}/allOf/0`);
  }
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches !== undefined) {
    if (schema.oneOf && schema.anyOf) fail(path, 'both oneOf and anyOf');
    return unionToIr(schema, branches, ctx, `${path}/${schema.oneOf ? 'oneOf' : 'anyOf'}`, top);
  }
  if (schema.enum !== undefined) return enumToIr(schema, path);
  if (schema.const !== undefined) return literalOf(schema.const, path);

  const types = typeList(schema);
  if (types.length === 0) {
    if (schema.properties !== undefined) return objectToIr(schema, ctx, path, top);
    return { kind: 'unknown' };
  }
  const hasNull = types.includes('null');
  const nodes = types.filter((t) => t !== 'null').map((t) => typedToIr(schema, t, ctx, path, top));
  if (nodes.length === 0) return { kind: 'null' };
  const node: IrNode = nodes.length === 1 ? nodes[0]! : { kind: 'union', options: nodes };
  return hasNull ? nullable(node) : node;
}

function literalOf(value: unknown, path: string): IrNode {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return { kind: 'literal', value };
  }
  if (value === null) return { kind: 'null' };
  return fail(path, `unsupported literal ${JSON.stringify(value)}`);
}

function enumToIr(schema: JsonSchemaObject, path: string): IrNode {
  const values = schema.enum ?? [];
  const hasNull = values.includes(null) || typeList(schema).includes('null');
  const nonNull = values.filter((v) => v !== null);
  let node: IrNode;
  if (nonNull.length === 0) node = { kind: 'null' };
  else if (nonNull.length === 1) node = literalOf(nonNull[0], path);
  else if (nonNull.every((v) => typeof v === 'string')) {
    node = { kind: 'enum', values: nonNull as string[], valueDocs: nonNull.map(() => ({})) };
  } else node = { kind: 'union', options: nonNull.map((v) => literalOf(v, path)) };
  return hasNull ? nullable(node) : node;
}

function typedToIr(
  schema: JsonSchemaObject,
  type: string,
  ctx: IrContext,
  path: string,
  top: boolean,
): IrNode {
  switch (type) {
    case 'string':
      return schema.minLength !== undefined
        ? { kind: 'string', minLength: schema.minLength }
        : { kind: 'string' };
    case 'integer': {
      const range = schema.format === undefined ? {} : INTEGER_FORMATS[schema.format];
      if (range === undefined)
        fail(path, `unknown integer format "${schema.format}" (add it to INTEGER_FORMATS)`);
      const min = maxOf(range.min, schema.minimum);
      const max = minOf(range.max, schema.maximum);
      return { kind: 'number', integer: true, format: schema.format, min, max };
    }
    case 'number': {
      if (schema.format !== undefined && !NUMBER_FORMATS.has(schema.format)) {
        fail(path, `unknown number format "${schema.format}" (add it to NUMBER_FORMATS)`);
      }
      return {
        kind: 'number',
        integer: false,
        format: schema.format,
        min: schema.minimum,
        max: schema.maximum,
      };
    }
    case 'boolean':
      return { kind: 'boolean' };
    case 'null':
      return { kind: 'null' };
    case 'array': {
      if (Array.isArray(schema.items)) fail(path, 'tuple-form items are not supported');
      return {
        kind: 'array',
        items:
          schema.items === undefined ? { kind: 'unknown' } : schemaToIr(schema.items, ctx, `${path}/items`),
      };
    }
    case 'object':
      return objectToIr(schema, ctx, path, top);
    default:
      return fail(path, `unsupported type "${type}"`);
  }
}

function maxOf(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

function minOf(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function objectToIr(schema: JsonSchemaObject, ctx: IrContext, path: string, top: boolean): IrNode {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  const required = new Set(schema.required ?? []);
  const ap = schema.additionalProperties;
  for (const name of required) {
    if (!(name in properties)) {
      ctx.notes?.push(`${path}: "${name}" is required but not declared in properties (typed unknown)`);
    }
  }
  if (names.length === 0 && [...required].length === 0) {
    if (ap === undefined) {
      if (top && !ctx.freeform) return { kind: 'object', mode: 'empty', properties: [] };
      return { kind: 'record', values: { kind: 'unknown' } };
    }
    if (ap === false) return { kind: 'object', mode: 'strict', properties: [] };
    return { kind: 'record', values: schemaToIr(ap, ctx, `${path}/additionalProperties`) };
  }
  const props: IrProperty[] = names.map((name) => {
    const propSchema = properties[name]!;
    const prop: IrProperty = {
      name,
      node: schemaToIr(propSchema, ctx, `${path}/properties/${name}`),
      optional: !required.has(name),
      experimental: top && (ctx.experimentalFields?.has(name) ?? false),
    };
    if (isSchemaObject(propSchema)) {
      if (propSchema.description !== undefined) prop.description = propSchema.description;
      if (propSchema.default !== undefined) prop.default = propSchema.default;
    }
    return prop;
  });
  for (const name of required) {
    if (!(name in properties))
      props.push({ name, node: { kind: 'unknown' }, optional: false, experimental: false });
  }
  if (ap === undefined) return { kind: 'object', mode: 'loose', properties: props };
  if (ap === false) return { kind: 'object', mode: 'strict', properties: props };
  return {
    kind: 'object',
    mode: 'rest',
    properties: props,
    rest: schemaToIr(ap, ctx, `${path}/additionalProperties`),
  };
}

function unionToIr(
  schema: JsonSchemaObject,
  branches: JsonSchema[],
  ctx: IrContext,
  path: string,
  top: boolean,
): IrNode {
  // Shared properties next to oneOf/anyOf: merge them into every (inline object) branch.
  const {
    oneOf: _o,
    anyOf: _a,
    description: _d,
    title: _t,
    $schema: _s,
    default: _df,
    ...baseSchema
  } = schema;
  const hasBase = baseSchema.properties !== undefined || baseSchema.required !== undefined;
  const base = hasBase ? schemaToIr({ ...baseSchema, type: 'object' }, ctx, path, top) : undefined;
  if (base && base.kind !== 'object') fail(path, 'properties next to oneOf/anyOf must describe an object');

  let hasNull = false;
  const options: IrNode[] = [];
  const push = (node: IrNode) => {
    if (node.kind === 'null') hasNull = true;
    else if (node.kind === 'nullable') {
      hasNull = true;
      push(withDoc(node.inner, node));
    } else if (node.kind === 'union' && node.description === undefined && !node.experimental) {
      for (const o of node.options) push(o);
    } else options.push(node);
  };
  branches.forEach((branch, index) => {
    const node = schemaToIr(branch, ctx, `${path}/${index}`);
    const doc: IrDoc = {};
    if (isSchemaObject(branch) && branch.description !== undefined) doc.description = branch.description;
    if (top && ctx.experimentalBranches?.has(index)) doc.experimental = true;
    // A branch that is itself a union is flattened; its documentation goes to each alternative.
    const parts =
      node.kind === 'union' || node.kind === 'variant'
        ? node.options.map((o) => (node.shared && o.kind === 'object' ? mergeShared(node.shared, o) : o))
        : [node];
    for (const part of parts) {
      if (base && part.kind !== 'object') {
        fail(`${path}/${index}`, 'a branch next to shared properties must be an object');
      }
      push(
        withDoc(part, { description: part.description ?? doc.description, experimental: doc.experimental }),
      );
    }
  });

  const unique: IrNode[] = [];
  const seen = new Set<string>();
  for (const option of options) {
    const key = canonicalJson(stripDoc(option));
    if (!seen.has(key)) {
      seen.add(key);
      unique.push(option);
    }
  }
  const collapsed = collapseStringLiterals(unique);
  let node: IrNode;
  if (collapsed.length === 0) node = { kind: 'null' };
  else if (collapsed.length === 1 && !base) node = collapsed[0]!;
  else node = variantOf(collapsed) ?? { kind: 'union', options: collapsed };
  if (base && (node.kind === 'union' || node.kind === 'variant')) node.shared = base as IrObject;
  return hasNull ? nullable(node) : node;
}

/** Replaces all string literal/enum options with one enum at the position of the first. */
function collapseStringLiterals(options: IrNode[]): IrNode[] {
  const isStringy = (n: IrNode) => (n.kind === 'literal' && typeof n.value === 'string') || n.kind === 'enum';
  const stringy = options.filter(isStringy);
  if (stringy.length < 2) return options;
  const values: string[] = [];
  const valueDocs: IrDoc[] = [];
  for (const n of stringy) {
    const own: IrDoc = {};
    if (n.description !== undefined) own.description = n.description;
    if (n.experimental) own.experimental = true;
    const entries: [string, IrDoc][] =
      n.kind === 'enum'
        ? n.values.map((v, i) => [v, { ...own, ...n.valueDocs[i] }])
        : [[(n as { value: string }).value, own]];
    for (const [value, doc] of entries) {
      if (!values.includes(value)) {
        values.push(value);
        valueDocs.push(doc);
      }
    }
  }
  const merged: IrNode = { kind: 'enum', values, valueDocs };
  const out: IrNode[] = [];
  let placed = false;
  for (const o of options) {
    if (!isStringy(o)) out.push(o);
    else if (!placed) {
      out.push(merged);
      placed = true;
    }
  }
  return out;
}

/** A union of inline objects that share a required single-literal property becomes a variant. */
export function variantOf(options: IrNode[]): IrNode | undefined {
  if (options.length < 2 || !options.every((o) => o.kind === 'object')) return undefined;
  const objects = options as IrObject[];
  const literalOfKey = (o: IrObject, key: string): string | number | boolean | undefined => {
    const prop = o.properties.find((p) => p.name === key);
    return prop && !prop.optional && prop.node.kind === 'literal' ? prop.node.value : undefined;
  };
  const candidates = objects[0]!.properties
    .map((p) => p.name)
    .filter((key) => objects.every((o) => literalOfKey(o, key) !== undefined));
  if (candidates.length === 0) return undefined;
  // Distinct tags first; valibot's variant also handles repeated tags (it tries each match in turn).
  const distinct = (key: string) => new Set(objects.map((o) => literalOfKey(o, key))).size === objects.length;
  const rank = (key: string) => {
    const preference = DISCRIMINATOR_PREFERENCE.indexOf(key);
    return [distinct(key) ? 0 : 1, preference === -1 ? DISCRIMINATOR_PREFERENCE.length : preference] as const;
  };
  const preferred = [...candidates].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1] || (a < b ? -1 : a > b ? 1 : 0);
  })[0]!;
  return { kind: 'variant', key: preferred, options: objects };
}

/** Normalises one definition, applying its policy flags (freeform, experimental fields/branches). */
export function definitionToIr(def: Definition, defs: DefinitionSet, notes?: string[]): IrDefinition {
  const ctx: IrContext = {
    refName: (ref) => defs.resolveRef(ref).name,
    experimentalFields: new Set(def.experimentalFields),
    experimentalBranches: new Set(def.experimentalBranches),
    freeform: def.freeform,
    notes,
  };
  const node = schemaToIr(def.schema, ctx, `#/definitions/${def.key}`, true);
  const out: IrDefinition = { name: def.name, key: def.key, node, experimentalOnly: def.experimentalOnly };
  if (def.schema.description !== undefined) out.description = def.schema.description;
  return out;
}
