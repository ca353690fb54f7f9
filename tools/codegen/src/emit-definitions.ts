import type { GenerationModel } from './model.js';
import { LINE_WIDTH, propertyKey, quote, typeImport } from './print.js';

/**
 * Pass 10 of the pipeline: the definition index. It names every emitted definition (with its
 * schema keys and experimental marks), the deliberate omissions, and maps names to types and
 * schemas, so completeness can be tested at runtime and at the type level.
 */

export function emitDefinitions(model: GenerationModel): string {
  const defs = [...model.definitions].sort((a, b) => (a.name < b.name ? -1 : 1));
  const out: string[] = [];
  out.push("import type * as v from 'valibot';");
  out.push("import * as S from './schemas.js';");
  out.push(typeImport(defs.map((d) => d.name)));
  out.push('');
  out.push('/** Definition name → its TypeScript type. */');
  out.push('export interface DefinitionTypes {');
  for (const d of defs) out.push(`  ${propertyKey(d.name)}: ${d.name};`);
  out.push('}');
  out.push('');
  out.push('export type DefinitionName = keyof DefinitionTypes;');
  out.push('');
  out.push(
    '/** Definition name → the schema keys it came from (several when identical duplicates were merged). */',
  );
  out.push('export const DEFINITION_KEYS: { readonly [N in DefinitionName]: readonly string[] } = {');
  for (const d of defs) {
    const def = model.defs.byName.get(d.name)!;
    out.push(`  ${propertyKey(d.name)}: [${def.keys.map(quote).join(', ')}],`);
  }
  out.push('};');
  out.push('');
  out.push('/** Definitions that exist only in the experimental bundle. */');
  out.push('export const EXPERIMENTAL_DEFINITIONS: readonly DefinitionName[] = [');
  for (const d of defs) if (model.defs.byName.get(d.name)!.experimentalOnly) out.push(`  ${quote(d.name)},`);
  out.push('];');
  out.push('');
  out.push('/** Top-level fields that exist only in the experimental bundle, per definition. */');
  out.push(
    'export const EXPERIMENTAL_DEFINITION_FIELDS: { readonly [N in DefinitionName]?: readonly string[] } = {',
  );
  for (const d of defs) {
    const def = model.defs.byName.get(d.name)!;
    if (def.experimentalOnly || def.experimentalFields.length === 0) continue;
    const values = def.experimentalFields.map(quote);
    const flat = `  ${propertyKey(d.name)}: [${values.join(', ')}],`;
    out.push(
      flat.length <= LINE_WIDTH
        ? flat
        : `  ${propertyKey(d.name)}: [\n${values.map((v) => `    ${v},`).join('\n')}\n  ],`,
    );
  }
  out.push('};');
  out.push('');
  out.push('/** Definitions of the snapshot deliberately not emitted, with the reason. */');
  out.push('export const OMITTED_DEFINITIONS: { readonly [name: string]: string } = {');
  for (const def of model.defs.definitions.filter((d) => d.omitted !== undefined)) {
    out.push(`  ${propertyKey(def.name)}:\n    ${quote(def.omitted!)},`);
  }
  out.push('};');
  out.push('');
  out.push('/** Definition name → its valibot schema. */');
  out.push(
    'export const DEFINITION_SCHEMAS: { readonly [N in DefinitionName]: v.GenericSchema<DefinitionTypes[N]> } = {',
  );
  for (const d of defs) out.push(`  ${propertyKey(d.name)}: S.${d.name}Schema,`);
  out.push('};');
  return `${out.join('\n')}\n`;
}
