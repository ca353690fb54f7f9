import type { MethodDef, MethodGroup } from './classify-methods.js';
import { EXPERIMENTAL_TAG } from './emit-types.js';
import { type GenerationModel, GROUP_NAMES } from './model.js';
import { METHOD_UNIONS } from './policy.js';
import { docComment, LINE_WIDTH, propertyKey, quote, typeImport } from './print.js';

/**
 * Pass 7 of the pipeline: the method layer. `methods.ts` holds the version constants, the
 * method-name constants, the method-keyed type maps and the inventory rows; `method-schemas.ts`
 * links every method to its params/result schemas.
 */

const GROUPS = Object.keys(METHOD_UNIONS) as MethodGroup[];

/** Doc paragraphs and tags for a method (shared by the maps and the facade). */
export function methodDocParts(method: MethodDef): { paragraphs: (string | undefined)[]; tags: string[] } {
  const paragraphs: (string | undefined)[] = [method.description];
  const tags: string[] = [];
  if (method.experimentalFields.length > 0) {
    paragraphs.push(
      `Experimental params fields (need \`capabilities.experimentalApi: true\`): ${method.experimentalFields
        .map((f) => `\`${f}\``)
        .join(', ')}.`,
    );
  }
  if (method.requiresExperimentalApi) tags.push(EXPERIMENTAL_TAG);
  if (method.stability === 'deprecated') tags.push(`@deprecated ${method.stabilityReason ?? ''}`.trim());
  if (method.stability === 'internal') tags.push(`@internal ${method.stabilityReason ?? ''}`.trim());
  return { paragraphs, tags };
}

/** The type names a list of methods refers to (params and results). */
export function methodTypeNames(methods: readonly MethodDef[]): string[] {
  return methods.flatMap((m) => [m.params?.name, m.result?.name]).filter((n): n is string => n !== undefined);
}

/** TypeScript text of a method's params type. */
export function paramsTypeText(method: MethodDef): string {
  if (method.paramsMode === 'none' || !method.params) return 'undefined';
  const name = method.params.name;
  return method.paramsMode === 'nullable' ? `${name} | null | undefined` : name;
}

function inventoryRow(method: MethodDef): string {
  const cells = [
    quote(method.method),
    quote(method.camelName),
    quote(method.stability),
    String(method.requiresExperimentalApi),
    method.params ? quote(method.params.name) : 'null',
    quote(method.paramsMode),
    method.result ? quote(method.result.name) : 'null',
  ];
  const flat = `    [${cells.join(', ')}],`;
  return flat.length <= LINE_WIDTH ? flat : `    [\n${cells.map((c) => `      ${c},`).join('\n')}\n    ],`;
}

export function emitMethods(model: GenerationModel): string {
  const out: string[] = [];
  out.push("import type { MethodGroup, MethodRow } from '../method-info.js';");
  out.push(typeImport(methodTypeNames(model.methods.methods)));
  out.push('');
  out.push('/** The codex version the vendored schema snapshot was taken from. */');
  out.push(`export const CODEX_PROTOCOL_VERSION = ${quote(model.version)};`);
  out.push('');
  out.push(
    '/** `sha256:<hex>` over the vendored snapshot files: changes exactly when the schema changes. */',
  );
  out.push(`export const PROTOCOL_REVISION = ${quote(model.revision)};`);

  for (const group of GROUPS) {
    const names = GROUP_NAMES[group];
    const methods = model.methods.groups[group];
    out.push('');
    out.push(`/** Every ${names.title} method name, keyed by its camelCase name. */`);
    out.push(`export const ${names.constants} = {`);
    for (const m of methods) out.push(`  ${propertyKey(m.camelName)}: ${quote(m.method)},`);
    out.push('} as const;');
    out.push('');
    const isRequest = group === 'clientRequests' || group === 'serverRequests';
    out.push(
      `/** ${names.title[0]!.toUpperCase()}${names.title.slice(1)}s: method → ${isRequest ? '`{ params, result }`' : '`{ params }`'}. */`,
    );
    out.push(`export interface ${names.map} {`);
    for (const m of methods) {
      const { paragraphs, tags } = methodDocParts(m);
      const doc = docComment(paragraphs, tags, '  ');
      if (doc) out.push(doc.trimEnd());
      const value = isRequest
        ? `{ params: ${paramsTypeText(m)}; result: ${m.result?.name ?? 'unknown'} }`
        : `{ params: ${paramsTypeText(m)} }`;
      const line = `  ${propertyKey(m.method)}: ${value};`;
      out.push(
        line.length <= LINE_WIDTH
          ? line
          : `  ${propertyKey(m.method)}: {\n    params: ${paramsTypeText(m)};${isRequest ? `\n    result: ${m.result?.name ?? 'unknown'};` : ''}\n  };`,
      );
    }
    out.push('}');
    out.push('');
    out.push(`export type ${names.methodType} = keyof ${names.map};`);
  }

  out.push('');
  out.push('/** Every method of the protocol, per group, in schema order (read through `inventory()`). */');
  out.push('export const METHOD_ROWS: { readonly [G in MethodGroup]: readonly MethodRow[] } = {');
  for (const group of GROUPS) {
    out.push(`  ${GROUP_NAMES[group].singular}: [`);
    for (const m of model.methods.groups[group]) out.push(inventoryRow(m));
    out.push('  ],');
  }
  out.push('};');
  out.push('');
  out.push(
    '/** Params fields that exist only in the experimental bundle (need `capabilities.experimentalApi`). */',
  );
  out.push('export const EXPERIMENTAL_PARAMS_FIELDS: { readonly [method: string]: readonly string[] } = {');
  for (const m of model.methods.methods.filter((x) => x.experimentalFields.length > 0)) {
    const values = m.experimentalFields.map(quote);
    const flat = `  ${propertyKey(m.method)}: [${values.join(', ')}],`;
    out.push(
      flat.length <= LINE_WIDTH
        ? flat
        : `  ${propertyKey(m.method)}: [\n${values.map((v) => `    ${v},`).join('\n')}\n  ],`,
    );
  }
  out.push('};');
  out.push('');
  out.push('/** Method descriptions from the schema (section markers of the Rust source removed). */');
  out.push('export const METHOD_DESCRIPTIONS: { readonly [method: string]: string } = {');
  for (const m of model.methods.methods.filter((x) => x.description !== undefined)) {
    out.push(`  ${propertyKey(m.method)}:\n    ${quote(m.description!)},`);
  }
  out.push('};');
  out.push('');
  out.push("/** Why a method is `deprecated` or `internal` (the generator's policy table). */");
  out.push('export const STABILITY_REASONS: { readonly [method: string]: string } = {');
  for (const m of model.methods.methods.filter((x) => x.stabilityReason !== undefined)) {
    out.push(`  ${propertyKey(m.method)}:\n    ${quote(m.stabilityReason!)},`);
  }
  out.push('};');
  return `${out.join('\n')}\n`;
}

export function emitMethodSchemas(model: GenerationModel): string {
  const out: string[] = [];
  out.push("import * as v from 'valibot';");
  out.push('import type {');
  for (const group of GROUPS) out.push(`  ${GROUP_NAMES[group].map},`);
  out.push("} from './methods.js';");
  out.push("import * as S from './schemas.js';");
  out.push('');
  out.push(
    '/** Params of a method without params: absent or `null` on the wire, `undefined` after validation. */',
  );
  out.push(
    'export const NoParamsSchema: v.GenericSchema<null | undefined, undefined> = v.pipe(\n  v.optional(v.null()),\n  v.transform(() => undefined),\n);',
  );
  for (const group of GROUPS) {
    const names = GROUP_NAMES[group];
    const isRequest = group === 'clientRequests' || group === 'serverRequests';
    const typeName = `${names.map.replace(/Map$/, '')}Schemas`;
    out.push('');
    out.push(`/** Schemas of every ${names.title}, keyed by method. */`);
    out.push(`export type ${typeName} = {`);
    out.push(`  readonly [M in keyof ${names.map}]: {`);
    out.push(`    readonly params: v.GenericSchema<unknown, ${names.map}[M]['params']>;`);
    if (isRequest) out.push(`    readonly result: v.GenericSchema<unknown, ${names.map}[M]['result']>;`);
    out.push('  };');
    out.push('};');
    out.push('');
    out.push(`export const ${names.schemas}: ${typeName} = {`);
    for (const m of model.methods.groups[group]) {
      let params: string;
      if (m.paramsMode === 'none' || !m.params) params = 'NoParamsSchema';
      else if (m.paramsMode === 'nullable') params = `v.nullish(S.${m.params.name}Schema)`;
      else params = `S.${m.params.name}Schema`;
      const entries: [string, string][] = [['params', params]];
      if (isRequest) entries.push(['result', m.result ? `S.${m.result.name}Schema` : 'v.unknown()']);
      const head = `  ${propertyKey(m.method)}: `;
      const flat = `{ ${entries.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
      out.push(
        head.length + flat.length + 1 <= LINE_WIDTH
          ? `${head}${flat},`
          : `${head}{\n${entries.map(([k, v]) => `    ${k}: ${v},`).join('\n')}\n  },`,
      );
    }
    out.push('};');
  }
  return `${out.join('\n')}\n`;
}
