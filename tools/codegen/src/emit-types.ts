import type { IrDefinition, IrDoc, IrNode, IrObject, IrProperty } from './ir.js';
import { docComment, LINE_WIDTH, literal, propertyKey } from './print.js';

/**
 * Pass 5 of the pipeline: IR → TypeScript type text. Explicit types (rather than
 * `v.InferOutput<typeof XSchema>`) keep the type checker fast with hundreds of definitions; the
 * schemas are annotated with these types, so `tsc` proves the two emitters agree.
 */

export const EXPERIMENTAL_TAG = '@experimental Needs `capabilities.experimentalApi: true` at initialize.';

/** Names the TypeScript emitter qualifies refs with (e.g. `T.` when printing outside types.ts). */
export interface TypePrintOptions {
  refPrefix?: string;
}

interface Member {
  text: string;
  doc: IrDoc;
}

function isSimple(text: string): boolean {
  return /^[\w$.']+$/.test(text);
}

function membersOf(node: IrNode, indent: string, options: TypePrintOptions): Member[] {
  switch (node.kind) {
    case 'enum':
      return node.values.map((v, i) => ({ text: literal(v), doc: node.valueDocs[i] ?? {} }));
    case 'union':
    case 'variant':
      if (node.shared) return [{ text: printShared(node, indent, options), doc: {} }];
      return node.options.flatMap((o) => {
        if (o.kind === 'enum' || (o.kind === 'union' && !o.description)) return membersOf(o, indent, options);
        return [{ text: tsType(o, `${indent}    `, indent.length + 4, options), doc: o }];
      });
    case 'nullable':
      return [...membersOf(node.inner, indent, options), { text: 'null', doc: {} }];
    default:
      return [{ text: tsType(node, `${indent}    `, indent.length + 4, options), doc: {} }];
  }
}

function memberDoc(doc: IrDoc): string[] {
  return doc.experimental ? [EXPERIMENTAL_TAG] : [];
}

/**
 * A union printed flat (`A | B`) or broken. The broken form starts with a newline so it can follow
 * `type X =` or `key:`.
 */
function printUnion(input: Member[], indent: string, column: number): string {
  // `'a' | string` collapses to `string` in TypeScript; `'a' | (string & {})` keeps the literals for editors.
  const hasLiteral = input.some((m) => m.text.startsWith("'"));
  const members = hasLiteral
    ? input.map((m) => (m.text === 'string' ? { ...m, text: '(string & {})' } : m))
    : input;
  const documented = members.some((m) => m.doc.description !== undefined || m.doc.experimental);
  const flat = members.map((m) => m.text).join(' | ');
  if (!documented && !flat.includes('\n') && column + flat.length <= LINE_WIDTH) return flat;
  const inner = `${indent}  `;
  return members
    .map((m) => {
      const doc = docComment([m.doc.description], memberDoc(m.doc), inner);
      return `\n${doc}${inner}| ${m.text}`;
    })
    .join('');
}

function propertyDocTags(prop: IrProperty): string[] {
  const tags: string[] = [];
  if (prop.default !== undefined) tags.push(`@default ${JSON.stringify(prop.default)}`);
  if (prop.experimental) tags.push(EXPERIMENTAL_TAG);
  return tags;
}

function printObjectBody(node: IrObject, indent: string, column: number, options: TypePrintOptions): string {
  const inner = `${indent}  `;
  const lines: string[] = [];
  let documented = false;
  for (const prop of node.properties) {
    const doc = docComment([prop.description], propertyDocTags(prop), inner);
    if (doc) documented = true;
    const head = `${propertyKey(prop.name)}${prop.optional ? '?' : ''}:`;
    const type = tsType(prop.node, inner, inner.length + head.length + 1, options);
    lines.push(`${doc}${inner}${head}${type.startsWith('\n') ? '' : ' '}${type};`);
  }
  if (node.mode === 'rest' && node.rest?.kind === 'unknown') lines.push(`${inner}[key: string]: unknown;`);
  if (lines.length === 0) return '{}';
  const flat = `{ ${lines
    .map((l) => l.trim())
    .join(' ')
    .replace(/;$/, '')} }`;
  if (!documented && !flat.includes('\n') && column + flat.length <= LINE_WIDTH) return flat;
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/** TypeScript type text for a node. `column` is where the text starts on its line. */
export function tsType(node: IrNode, indent: string, column: number, options: TypePrintOptions = {}): string {
  switch (node.kind) {
    case 'unknown':
    case 'never':
    case 'string':
    case 'boolean':
    case 'null':
      return node.kind;
    case 'number':
      return 'number';
    case 'literal':
      return literal(node.value);
    case 'ref':
      return `${options.refPrefix ?? ''}${node.name}`;
    case 'array': {
      const items = tsType(node.items, indent, column + 6, options);
      return isSimple(items) ? `${items}[]` : `Array<${items.startsWith('\n') ? items.trimStart() : items}>`;
    }
    case 'record': {
      const values = tsType(node.values, `${indent}  `, column + 20, options);
      return `{ [key: string]: ${values.startsWith('\n') ? values.trimStart() : values} }`;
    }
    case 'object': {
      if (node.mode === 'empty') return 'Record<string, never>';
      const body = printObjectBody(node, indent, column, options);
      if (node.mode === 'rest' && node.rest && node.rest.kind !== 'unknown') {
        const rest = tsType(node.rest, `${indent}  `, column, options);
        return `${body} & { [key: string]: ${rest.startsWith('\n') ? rest.trimStart() : rest} }`;
      }
      return body;
    }
    case 'union':
    case 'variant':
      if (node.shared) return printShared(node, indent, options);
      return printUnion(membersOf(node, indent, options), indent, column);
    case 'enum':
    case 'nullable':
      return printUnion(membersOf(node, indent, options), indent, column);
  }
}

/** `{ shared } & (A | B)` for a union whose alternatives share properties. */
function printShared(
  node: Extract<IrNode, { kind: 'union' | 'variant' }>,
  indent: string,
  options: TypePrintOptions,
): string {
  const body = printObjectBody(node.shared!, indent, LINE_WIDTH, options);
  const members = membersOf({ ...node, shared: undefined }, indent, options);
  const union = printUnion(members, indent, LINE_WIDTH);
  return `${body} & (${union}\n${indent})`;
}

/** Doc tags for a definition. */
function definitionTags(def: IrDefinition): string[] {
  return def.experimentalOnly ? [EXPERIMENTAL_TAG] : [];
}

/** `export interface X {...}` or `export type X = ...;` for one definition. */
export function emitTypeDefinition(def: IrDefinition): string {
  const doc = docComment([def.description], definitionTags(def), '');
  const node = def.node;
  if (
    node.kind === 'object' &&
    node.mode !== 'empty' &&
    !(node.mode === 'rest' && node.rest?.kind !== 'unknown')
  ) {
    const body = printObjectBody(node, '', LINE_WIDTH, {});
    return `${doc}export interface ${def.name} ${body}\n`;
  }
  const head = `export type ${def.name} =`;
  const type = tsType(node, '', head.length + 1);
  return `${doc}${head}${type.startsWith('\n') ? '' : ' '}${type};\n`;
}

/** The body of `types.ts`: every definition, sorted by name. */
export function emitTypes(definitions: readonly IrDefinition[]): string {
  return [...definitions]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(emitTypeDefinition)
    .join('\n');
}
