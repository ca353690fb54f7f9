/**
 * The intermediate representation both emitters read. `to-ir.ts` turns JSON Schema into it; after
 * that no pass looks at JSON Schema again, so the TypeScript and valibot emitters cannot disagree
 * about what a schema means.
 */

/** Documentation carried by a node that came from a union branch or a property. */
export interface IrDoc {
  description?: string | undefined;
  /** Only in the experimental bundle. */
  experimental?: boolean | undefined;
}

export type IrNode =
  | ({ kind: 'unknown' } & IrDoc)
  | ({ kind: 'never' } & IrDoc)
  | ({ kind: 'string'; minLength?: number | undefined } & IrDoc)
  | ({
      kind: 'number';
      integer: boolean;
      format?: string | undefined;
      min?: number | undefined;
      max?: number | undefined;
    } & IrDoc)
  | ({ kind: 'boolean' } & IrDoc)
  | ({ kind: 'null' } & IrDoc)
  | ({ kind: 'literal'; value: string | number | boolean } & IrDoc)
  | ({ kind: 'enum'; values: string[]; valueDocs: IrDoc[] } & IrDoc)
  | ({ kind: 'array'; items: IrNode } & IrDoc)
  | IrObject
  | ({ kind: 'record'; values: IrNode } & IrDoc)
  | ({ kind: 'union'; options: IrNode[]; shared?: IrObject | undefined } & IrDoc)
  | ({ kind: 'variant'; key: string; options: IrObject[]; shared?: IrObject | undefined } & IrDoc)
  | ({ kind: 'nullable'; inner: IrNode } & IrDoc)
  | ({ kind: 'ref'; name: string } & IrDoc);

/**
 * `loose`: unknown fields allowed and kept (the default; strictified at runtime for outgoing data).
 * `strict`: the schema closes the object (`additionalProperties: false`).
 * `rest`: the schema types the extra fields (`additionalProperties: true | schema`), see `rest`.
 * `empty`: a property-less struct (`{}` on the wire).
 */
export type IrObjectMode = 'loose' | 'strict' | 'rest' | 'empty';

export interface IrObject extends IrDoc {
  kind: 'object';
  mode: IrObjectMode;
  properties: IrProperty[];
  rest?: IrNode | undefined;
}

export interface IrProperty {
  name: string;
  node: IrNode;
  optional: boolean;
  description?: string | undefined;
  /** The JSON Schema `default` (documentation only: validation never fills defaults in). */
  default?: unknown;
  experimental: boolean;
}

/** One named definition after normalisation. */
export interface IrDefinition {
  name: string;
  key: string;
  node: IrNode;
  description?: string | undefined;
  experimentalOnly: boolean;
}

/** Names referenced by a node (for dependency ordering). */
export function collectRefs(node: IrNode, out: Set<string> = new Set()): Set<string> {
  switch (node.kind) {
    case 'ref':
      out.add(node.name);
      break;
    case 'array':
      collectRefs(node.items, out);
      break;
    case 'record':
      collectRefs(node.values, out);
      break;
    case 'nullable':
      collectRefs(node.inner, out);
      break;
    case 'union':
    case 'variant':
      for (const o of node.options) collectRefs(o, out);
      if (node.shared) collectRefs(node.shared, out);
      break;
    case 'object':
      for (const p of node.properties) collectRefs(p.node, out);
      if (node.rest) collectRefs(node.rest, out);
      break;
    default:
      break;
  }
  return out;
}

/**
 * `shared` properties merged into an object alternative (the option's own properties win).
 * Used by the valibot emitter; the TypeScript emitter prints `Shared & (A | B)` instead.
 */
export function mergeShared(shared: IrObject | undefined, option: IrObject): IrObject {
  if (!shared) return option;
  const own = new Set(option.properties.map((p) => p.name));
  const properties = [...shared.properties.filter((p) => !own.has(p.name)), ...option.properties];
  const mode =
    option.mode === 'strict' || shared.mode === 'strict'
      ? 'strict'
      : option.mode === 'rest'
        ? 'rest'
        : 'loose';
  return { ...option, mode, properties };
}
