import * as v from 'valibot';

/**
 * Generated schemas are loose: objects keep unknown fields, so a newer server that adds a field does
 * not break validation of what it sends. Payloads the client sends are checked strictly instead
 * (an unknown field there is a typo or a field this codex version does not have). This module
 * derives that strict copy at runtime, so the generated code holds each schema only once.
 */

type Schema = v.GenericSchema<unknown, unknown>;

/** The structural view of a valibot schema this module needs (valibot keeps these on the object). */
interface SchemaShape {
  readonly type: string;
  readonly pipe?: readonly unknown[];
  readonly entries?: Readonly<Record<string, Schema>>;
  readonly rest?: Schema;
  readonly item?: Schema;
  readonly key?: unknown;
  readonly value?: Schema;
  readonly wrapped?: Schema;
  readonly default?: unknown;
  readonly options?: readonly Schema[];
  readonly getter?: (input: unknown) => Schema;
}

const cache = new WeakMap<object, Schema>();

function mapEntries(entries: Readonly<Record<string, Schema>>): {
  entries: Record<string, Schema>;
  changed: boolean;
} {
  const out: Record<string, Schema> = {};
  let changed = false;
  for (const [key, schema] of Object.entries(entries)) {
    const strict = strictify(schema);
    if (strict !== schema) changed = true;
    out[key] = strict;
  }
  return { entries: out, changed };
}

function mapList(options: readonly Schema[]): { options: Schema[]; changed: boolean } {
  const out = options.map(strictify);
  return { options: out, changed: out.some((o, i) => o !== options[i]) };
}

function strictify(schema: Schema): Schema {
  const cached = cache.get(schema);
  if (cached) return cached;
  const shape = schema as unknown as SchemaShape;
  let out: Schema = schema;
  if (shape.pipe && shape.pipe.length > 0 && shape.pipe[0] !== schema) {
    const [root, ...actions] = shape.pipe as [
      Schema,
      ...v.PipeItem<unknown, unknown, v.BaseIssue<unknown>>[],
    ];
    const strictRoot = strictify(root);
    if (strictRoot !== root) out = v.pipe(strictRoot, ...actions) as Schema;
    cache.set(schema, out);
    return out;
  }
  switch (shape.type) {
    case 'loose_object':
    case 'strict_object':
    case 'object': {
      const { entries, changed } = mapEntries(shape.entries ?? {});
      if (shape.type !== 'strict_object' || changed) out = v.strictObject(entries) as Schema;
      break;
    }
    case 'object_with_rest': {
      const { entries, changed } = mapEntries(shape.entries ?? {});
      const rest = strictify(shape.rest!);
      if (changed || rest !== shape.rest) out = v.objectWithRest(entries, rest) as Schema;
      break;
    }
    case 'array': {
      const item = strictify(shape.item!);
      if (item !== shape.item) out = v.array(item) as Schema;
      break;
    }
    case 'record': {
      const value = strictify(shape.value!);
      if (value !== shape.value)
        out = v.record(shape.key as v.GenericSchema<string, string>, value) as Schema;
      break;
    }
    case 'optional':
    case 'nullable':
    case 'nullish': {
      const wrapped = strictify(shape.wrapped!);
      if (wrapped !== shape.wrapped) {
        const fallback = shape.default as never;
        if (shape.type === 'optional') out = v.optional(wrapped, fallback) as Schema;
        else if (shape.type === 'nullable') out = v.nullable(wrapped, fallback) as Schema;
        else out = v.nullish(wrapped, fallback) as Schema;
      }
      break;
    }
    case 'union': {
      const { options, changed } = mapList(shape.options ?? []);
      if (changed) out = v.union(options) as Schema;
      break;
    }
    case 'variant': {
      const { options, changed } = mapList(shape.options ?? []);
      if (changed) out = v.variant(shape.key as string, options as never) as Schema;
      break;
    }
    case 'intersect': {
      const { options, changed } = mapList(shape.options ?? []);
      if (changed) out = v.intersect(options) as Schema;
      break;
    }
    case 'lazy': {
      const getter = shape.getter!;
      out = v.lazy((input) => strictify(getter(input))) as Schema;
      break;
    }
    default:
      break;
  }
  cache.set(schema, out);
  return out;
}

/**
 * A copy of `schema` in which every object rejects unknown fields: loose objects become strict;
 * objects with a typed rest keep their rest (the schema declares the extra fields). Memoised per
 * schema; recursion through `v.lazy` is preserved.
 */
export function toStrictSchema<TInput, TOutput>(
  schema: v.GenericSchema<TInput, TOutput>,
): v.GenericSchema<TInput, TOutput> {
  return strictify(schema as Schema) as v.GenericSchema<TInput, TOutput>;
}
