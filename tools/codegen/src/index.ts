/**
 * @codexus/codegen: regenerates @codexus/protocol from the vendored codex app-server JSON Schema
 * snapshot. The pipeline, pass by pass:
 *
 * 1. `loadSnapshot`        read both bundles (stable, experimental) and verify their sha256
 * 2. `collectDefinitions`  flatten namespaces, merge identical duplicates, mark experimental parts
 * 3. `classifyMethods`     the four method unions → methods with params/result and stability
 * 4. `definitionToIr`      JSON Schema → IR (nullable, variants, enums, records, shared props)
 * 5. `emitTypes`           IR → TypeScript types
 * 6. `emitSchemas`         IR → valibot schemas, in dependency order
 * 7. `emitMethods` …       constants, maps, inventory, per-method schemas, facade, decoders, index
 * 8. `formatGenerated`     header + canonical whitespace
 *
 * Policy (naming, strictness, result-type overrides, stability overrides, omissions) lives in the
 * named tables of `policy.ts`.
 */
export { type CheckResult, checkGenerated, formatCheckResult } from './check.js';
export {
  camelMethodName,
  classifyMethods,
  type MethodDef,
  type MethodInventory,
} from './classify-methods.js';
export {
  collectDefinitions,
  type Definition,
  type DefinitionSet,
  flattenDefinitions,
} from './collect-definitions.js';
export { runCheck, runDiff, runGenerate, runSnapshot } from './commands.js';
export { computeDrift, type DriftReport, formatDrift, hasDrift } from './drift.js';
export { emitDecoders } from './emit-decoders.js';
export { emitDefinitions } from './emit-definitions.js';
export { emitFacade } from './emit-facade.js';
export { emitMethodSchemas, emitMethods } from './emit-methods.js';
export { emitSchemas, orderDefinitions, vSchema } from './emit-schemas.js';
export { emitTypes, tsType } from './emit-types.js';
export { formatGenerated } from './format.js';
export { type GeneratedFile, type GenerateResult, generate } from './generate.js';
export type { IrDefinition, IrNode, IrObject, IrProperty } from './ir.js';
export {
  computeRevision,
  loadSnapshot,
  loadSnapshotDir,
  type Provenance,
  type Snapshot,
} from './load-snapshot.js';
export { buildModel, type GenerationModel } from './model.js';
export * as policy from './policy.js';
export { exportSchema, parseCodexVersion, replaceVendoredSnapshot } from './snapshot.js';
export { definitionToIr, schemaToIr } from './to-ir.js';
