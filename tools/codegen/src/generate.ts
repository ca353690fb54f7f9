import type { MethodPolicy } from './classify-methods.js';
import { emitDecoders } from './emit-decoders.js';
import { emitDefinitions } from './emit-definitions.js';
import { emitFacade } from './emit-facade.js';
import { emitHistory } from './emit-history.js';
import { emitMethodSchemas, emitMethods } from './emit-methods.js';
import { emitHelpers, emitSchemas } from './emit-schemas.js';
import { emitTypes } from './emit-types.js';
import { formatGenerated } from './format.js';
import type { HistoryEntry } from './history.js';
import { loadHistory } from './history.js';
import { loadSnapshot, type Snapshot } from './load-snapshot.js';
import { buildModel, type GenerationModel } from './model.js';
import { schemaRoot } from './paths.js';
import { typeImport } from './print.js';

/**
 * The whole pipeline: snapshot → model (definitions, methods, IR) → emitted files → formatted.
 * Pure: it reads nothing but the snapshot (and the method history) and writes nothing; `cli.ts`
 * does the I/O.
 */

export interface GeneratedFile {
  /** Path relative to `packages/protocol/src/generated/`. */
  path: string;
  content: string;
}

export interface GenerateResult {
  files: GeneratedFile[];
  model: GenerationModel;
}

export function generate(
  snapshot: Snapshot,
  policy?: MethodPolicy,
  history: readonly HistoryEntry[] = [],
): GenerateResult {
  const model = buildModel(snapshot, policy);
  const { body: schemaBody, helpers } = emitSchemas(model.definitions);
  const schemas = [
    "import * as v from 'valibot';",
    typeImport(model.definitions.map((d) => d.name)),
    '',
    emitHelpers(helpers),
    '',
    schemaBody,
  ].join('\n');
  const files: [string, string, string][] = [
    ['types.ts', emitTypes(model.definitions), 'TypeScript types of every schema definition.'],
    [
      'schemas.ts',
      schemas,
      'valibot schemas of every schema definition (loose objects; see strict-schema.ts).',
    ],
    ['definitions.ts', emitDefinitions(model), 'Definition index: names, sources, omissions, name → schema.'],
    ['methods.ts', emitMethods(model), 'Method names, method-keyed type maps and the method inventory.'],
    ['method-schemas.ts', emitMethodSchemas(model), 'Params/result schemas of every method.'],
    ['facade.ts', emitFacade(model), 'The client facade: one camelCase method per client request.'],
    ['decoders.ts', emitDecoders(model), 'Typed unions returned by decodeServerRequest/decodeNotification.'],
    ['history.ts', emitHistory(model, history), 'Which recorded codex versions have each method.'],
  ];
  return {
    model,
    files: files.map(([path, body, summary]) => ({
      path,
      content: formatGenerated(body, model.version, summary),
    })),
  };
}

/** What the repository's vendored inputs generate: the pin's snapshot plus the method history. */
export function generateVendored(repoRoot: string, policy?: MethodPolicy): GenerateResult {
  return generate(loadSnapshot(repoRoot), policy, loadHistory(schemaRoot(repoRoot)));
}
