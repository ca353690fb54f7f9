import { collectRefs, type IrDefinition, type IrNode, type IrObject, mergeShared } from './ir.js';
import { INTEGER_FORMATS } from './policy.js';
import { LINE_WIDTH, literal, propertyKey, quote } from './print.js';

/**
 * Pass 6 of the pipeline: IR → valibot schema text. Definitions are emitted in dependency order
 * (strongly connected components first to last); references inside a cycle go through `v.lazy`.
 * Objects are emitted loose (`v.looseObject`) unless the schema closes them; the runtime derives
 * strict copies for outgoing payloads (see @codexus/protocol `strict-schema.ts`).
 */

export interface SchemaPrintContext {
  /** True when a reference to `name` may be direct (already defined, not in the current cycle). */
  isEager(name: string): boolean;
  /** Scalar helpers used so far (collected while printing). */
  helpers: Set<string>;
}

/** The scalar helper for a number node, or undefined when it needs an inline pipe. */
export function numberHelper(node: Extract<IrNode, { kind: 'number' }>): string | undefined {
  if (!node.integer) return node.min === undefined && node.max === undefined ? 'number' : undefined;
  if (node.format === undefined)
    return node.min === undefined && node.max === undefined ? 'integer' : undefined;
  const range = INTEGER_FORMATS[node.format];
  if (!range) return undefined;
  return range.min === node.min && range.max === node.max ? node.format : undefined;
}

function numberPipe(node: Extract<IrNode, { kind: 'number' }>): string {
  const parts = ['v.number()'];
  if (node.integer) parts.push('v.integer()');
  if (node.min !== undefined) parts.push(`v.minValue(${node.min})`);
  if (node.max !== undefined) parts.push(`v.maxValue(${node.max})`);
  return parts.length === 1 ? parts[0]! : `v.pipe(${parts.join(', ')})`;
}

/** The declarations of the scalar helpers in `helpers`, sorted. */
export function emitHelpers(helpers: ReadonlySet<string>): string {
  const lines: string[] = [];
  for (const name of [...helpers].sort()) {
    if (name === 'emptyStruct') {
      lines.push(
        '// An empty struct (`{}` on the wire): loose at runtime like every object, typed without fields.',
        'const emptyStruct = v.looseObject({}) as unknown as v.GenericSchema<Record<string, never>>;',
      );
    } else if (name === 'number') lines.push('const number = v.number();');
    else if (name === 'integer') lines.push('const integer = v.pipe(v.number(), v.integer());');
    else {
      const range = INTEGER_FORMATS[name]!;
      lines.push(`const ${name} = ${numberPipe({ kind: 'number', integer: true, format: name, ...range })};`);
    }
  }
  return lines.join('\n');
}

function list(open: string, items: string[], close: string, indent: string, column: number): string {
  const flat = `${open}${items.join(', ')}${close}`;
  if (!items.some((i) => i.includes('\n')) && column + flat.length <= LINE_WIDTH) return flat;
  const inner = `${indent}  `;
  return `${open}\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}${close}`;
}

function printEntries(node: IrObject, indent: string, ctx: SchemaPrintContext): string[] {
  const inner = `${indent}  `;
  return node.properties.map((prop) => {
    const key = `${propertyKey(prop.name)}: `;
    let value: string;
    const column = inner.length + key.length;
    if (prop.optional && prop.node.kind === 'nullable') {
      value = `v.nullish(${vSchema(prop.node.inner, inner, column + 10, ctx)})`;
    } else if (prop.optional) {
      value = `v.optional(${vSchema(prop.node, inner, column + 11, ctx)})`;
    } else {
      value = vSchema(prop.node, inner, column, ctx);
    }
    return `${key}${value}`;
  });
}

function printObject(node: IrObject, indent: string, column: number, ctx: SchemaPrintContext): string {
  const fn =
    node.mode === 'strict' ? 'v.strictObject' : node.mode === 'rest' ? 'v.objectWithRest' : 'v.looseObject';
  const entries = printEntries(node, indent, ctx);
  const rest =
    node.mode === 'rest' ? `, ${vSchema(node.rest ?? { kind: 'unknown' }, indent, column, ctx)}` : '';
  if (entries.length === 0) return `${fn}({}${rest})`;
  const flat = `${fn}({ ${entries.join(', ')} }${rest})`;
  if (!flat.includes('\n') && column + flat.length <= LINE_WIDTH) return flat;
  return `${fn}({\n${entries.map((e) => `${indent}  ${e},`).join('\n')}\n${indent}}${rest})`;
}

/** valibot expression for a node. `column` is where the text starts on its line. */
export function vSchema(node: IrNode, indent: string, column: number, ctx: SchemaPrintContext): string {
  switch (node.kind) {
    case 'unknown':
      return 'v.unknown()';
    case 'never':
      return 'v.never()';
    case 'boolean':
      return 'v.boolean()';
    case 'null':
      return 'v.null()';
    case 'string':
      return node.minLength === undefined
        ? 'v.string()'
        : `v.pipe(v.string(), v.minLength(${node.minLength}))`;
    case 'number': {
      const helper = numberHelper(node);
      if (helper) {
        ctx.helpers.add(helper);
        return helper;
      }
      return numberPipe(node);
    }
    case 'literal':
      return `v.literal(${literal(node.value)})`;
    case 'enum':
      return `v.picklist(${list('[', node.values.map(quote), ']', indent, column + 11)})`;
    case 'array':
      return `v.array(${vSchema(node.items, indent, column + 8, ctx)})`;
    case 'record':
      return `v.record(v.string(), ${vSchema(node.values, indent, column + 21, ctx)})`;
    case 'nullable':
      return `v.nullable(${vSchema(node.inner, indent, column + 11, ctx)})`;
    case 'ref':
      return ctx.isEager(node.name) ? `${node.name}Schema` : `v.lazy(() => ${node.name}Schema)`;
    case 'object':
      if (node.mode === 'empty') {
        ctx.helpers.add('emptyStruct');
        return 'emptyStruct';
      }
      return printObject(node, indent, column, ctx);
    case 'union': {
      const inner = `${indent}  `;
      const options = node.options.map((o) =>
        vSchema(
          node.shared && o.kind === 'object' ? mergeShared(node.shared, o) : o,
          inner,
          inner.length,
          ctx,
        ),
      );
      return `v.union(${list('[', options, ']', indent, column + 8)})`;
    }
    case 'variant': {
      const inner = `${indent}  `;
      const options = node.options.map((o) => vSchema(mergeShared(node.shared, o), inner, inner.length, ctx));
      const head = `v.variant(${quote(node.key)}, `;
      return `${head}${list('[', options, ']', indent, column + head.length)})`;
    }
  }
}

/** Tarjan's strongly connected components over the definitions' references, dependencies first. */
export function orderDefinitions(definitions: readonly IrDefinition[]): {
  order: IrDefinition[];
  component: Map<string, number>;
  cyclic: Set<string>;
} {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const edges = new Map<string, string[]>();
  for (const def of definitions) {
    const refs = [...collectRefs(def.node)].sort();
    for (const r of refs) {
      if (!byName.has(r)) throw new Error(`${def.name} references ${r}, which is not emitted`);
    }
    edges.set(def.name, refs);
  }
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (name: string): void => {
    indexOf.set(name, index);
    low.set(name, index);
    index++;
    stack.push(name);
    onStack.add(name);
    for (const next of edges.get(name) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(name, Math.min(low.get(name)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(name, Math.min(low.get(name)!, indexOf.get(next)!));
      }
    }
    if (low.get(name) === indexOf.get(name)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== name);
      components.push(component.sort());
    }
  };
  for (const name of [...byName.keys()].sort()) if (!indexOf.has(name)) visit(name);
  const component = new Map<string, number>();
  const cyclic = new Set<string>();
  components.forEach((members, i) => {
    for (const m of members) component.set(m, i);
    const only = members[0]!;
    if (members.length > 1 || (edges.get(only) ?? []).includes(only)) for (const m of members) cyclic.add(m);
  });
  const order = components.flatMap((members) => members.map((m) => byName.get(m)!));
  return { order, component, cyclic };
}

/** `export const XSchema: v.GenericSchema<X> = ...;` for every definition, in dependency order. */
export function emitSchemas(definitions: readonly IrDefinition[]): { body: string; helpers: Set<string> } {
  const { order, component } = orderDefinitions(definitions);
  const helpers = new Set<string>();
  const out: string[] = [];
  for (const def of order) {
    const own = component.get(def.name);
    const ctx: SchemaPrintContext = { isEager: (name) => component.get(name) !== own, helpers };
    const head = `export const ${def.name}Schema: v.GenericSchema<${def.name}> = `;
    const expr = vSchema(def.node, '', head.length, ctx);
    out.push(`${head}${expr};`);
  }
  return { body: out.join('\n'), helpers };
}
