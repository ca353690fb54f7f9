import type { Definition, DefinitionSet } from './collect-definitions.js';
import { flattenDefinitions } from './collect-definitions.js';
import { isSchemaObject, type JsonSchemaObject } from './json-schema.js';
import type { Snapshot } from './load-snapshot.js';
import {
  DESCRIPTION_MARKERS,
  FACADE_NAME_OVERRIDES,
  METHOD_UNIONS,
  RESULT_TYPE_OVERRIDES,
  STABILITY_OVERRIDES,
  type Stability,
  type StabilityOverride,
  UNMATCHED_RESPONSE_DEFINITIONS,
  UNTYPED_RESULTS,
} from './policy.js';

/**
 * Pass 3 of the pipeline: read the four method unions, link every method to its params and result
 * definitions, and classify its stability by comparing the stable and experimental bundles.
 */

export type Direction = 'clientToServer' | 'serverToClient';
export type MethodKind = 'request' | 'notification';
export type MethodGroup = keyof typeof METHOD_UNIONS;
/** `none`: no params; `nullable`: params may be omitted or null; `required`: params must be sent. */
export type ParamsMode = 'none' | 'nullable' | 'required';

export interface MethodDef {
  method: string;
  group: MethodGroup;
  direction: Direction;
  kind: MethodKind;
  stability: Stability;
  /** Present only in the experimental bundle: needs `capabilities.experimentalApi` at initialize. */
  requiresExperimentalApi: boolean;
  /** Why the stability came from policy (deprecated/internal). */
  stabilityReason: string | undefined;
  params: Definition | undefined;
  paramsMode: ParamsMode;
  /** Requests only. */
  result: Definition | undefined;
  /** Top-level params fields present only in the experimental bundle. */
  experimentalFields: string[];
  description: string | undefined;
  /** camelCase name used for constants and the facade. */
  camelName: string;
}

export interface MethodInventory {
  /** All methods, grouped in the order of {@link METHOD_UNIONS}, each group in schema order. */
  methods: MethodDef[];
  groups: Record<MethodGroup, MethodDef[]>;
  notes: string[];
}

export const GROUP_SHAPE: Record<MethodGroup, { direction: Direction; kind: MethodKind }> = {
  clientRequests: { direction: 'clientToServer', kind: 'request' },
  serverRequests: { direction: 'serverToClient', kind: 'request' },
  serverNotifications: { direction: 'serverToClient', kind: 'notification' },
  clientNotifications: { direction: 'clientToServer', kind: 'notification' },
};

/** `thread/inject_items` → `threadInjectItems` (policy overrides first). */
export function camelMethodName(method: string): string {
  const override = FACADE_NAME_OVERRIDES[method];
  if (override) return override;
  const parts = method.split(/[/_\-.]+/).filter((p) => p.length > 0);
  return parts
    .map((p, i) => (i === 0 ? p[0]!.toLowerCase() + p.slice(1) : p[0]!.toUpperCase() + p.slice(1)))
    .join('')
    .replace(/[^A-Za-z0-9_$]/g, '');
}

/** Strips the Rust section markers ({@link DESCRIPTION_MARKERS}) from a method description. */
export function cleanMethodDescription(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  let text = description.trim();
  let changed = true;
  while (changed) {
    changed = false;
    for (const marker of DESCRIPTION_MARKERS) {
      if (text.startsWith(marker)) {
        text = text.slice(marker.length).trim();
        changed = true;
      }
    }
  }
  return text.length > 0 ? text : undefined;
}

function pascal(method: string): string {
  const camel = camelMethodName(method);
  return camel[0]!.toUpperCase() + camel.slice(1);
}

interface UnionBranch {
  method: string;
  schema: JsonSchemaObject;
}

function unionBranches(defs: Map<string, JsonSchemaObject>, unionName: string): UnionBranch[] {
  const union = defs.get(unionName);
  if (!union?.oneOf) throw new Error(`the bundle has no ${unionName} union`);
  return union.oneOf.map((branch) => {
    if (!isSchemaObject(branch)) throw new Error(`${unionName} has a boolean branch`);
    const methodSchema = branch.properties?.method;
    if (
      !isSchemaObject(methodSchema) ||
      methodSchema.enum?.length !== 1 ||
      typeof methodSchema.enum[0] !== 'string'
    ) {
      throw new Error(`${unionName} branch ${branch.title ?? '?'} has no single-valued method enum`);
    }
    return { method: methodSchema.enum[0], schema: branch };
  });
}

function paramsOf(
  branch: UnionBranch,
  defs: DefinitionSet,
): { params: Definition | undefined; mode: ParamsMode } {
  const schema = branch.schema.properties?.params;
  const required = branch.schema.required?.includes('params') ?? false;
  if (schema === undefined) return { params: undefined, mode: 'none' };
  if (!isSchemaObject(schema)) throw new Error(`${branch.method}: boolean params schema`);
  if (schema.type === 'null') return { params: undefined, mode: 'none' };
  if (schema.$ref) return { params: defs.resolveRef(schema.$ref), mode: required ? 'required' : 'nullable' };
  const options = schema.anyOf ?? schema.oneOf;
  if (options) {
    const refs = options.filter((o) => isSchemaObject(o) && o.$ref) as JsonSchemaObject[];
    const nulls = options.filter((o) => isSchemaObject(o) && o.type === 'null');
    if (refs.length === 1 && nulls.length === options.length - 1) {
      return { params: defs.resolveRef(refs[0]!.$ref!), mode: 'nullable' };
    }
  }
  throw new Error(`${branch.method}: params schema is neither a $ref, null, nor a nullable $ref`);
}

/** The policy tables this pass reads (injectable so tests can run it on synthetic snapshots). */
export interface MethodPolicy {
  stabilityOverrides: Readonly<Record<string, StabilityOverride>>;
  resultTypeOverrides: Readonly<Record<string, string>>;
  unmatchedResponses: Readonly<Record<string, string>>;
  /** Requests with no result type in the schema (typed `unknown`). */
  untypedResults: Readonly<Record<string, string>>;
  /**
   * Report instead of failing on what the policy tables do not cover (a result type that cannot be
   * found, an override for a method this snapshot lacks). For `diff` against any codex in the range;
   * `generate` stays strict.
   */
  lenient?: boolean;
}

export const DEFAULT_METHOD_POLICY: MethodPolicy = {
  stabilityOverrides: STABILITY_OVERRIDES,
  resultTypeOverrides: RESULT_TYPE_OVERRIDES,
  unmatchedResponses: UNMATCHED_RESPONSE_DEFINITIONS,
  untypedResults: UNTYPED_RESULTS,
};

/** Runs `fn`; in lenient mode a failure becomes a note and `undefined`. */
function leniently<T>(policy: MethodPolicy, notes: string[], fn: () => T): T | undefined {
  if (!policy.lenient) return fn();
  try {
    return fn();
  } catch (error) {
    notes.push(error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

/** A policy entry this snapshot does not need: fatal when generating, a note when comparing. */
function stale(policy: MethodPolicy, notes: string[], message: string): void {
  if (!policy.lenient) throw new Error(message);
  notes.push(message);
}

function resultOf(
  method: string,
  params: Definition | undefined,
  defs: DefinitionSet,
  overrides: Readonly<Record<string, string>>,
): Definition {
  const override = overrides[method];
  const overridden = override ? defs.byKey.get(override) : undefined;
  if (overridden) return overridden;
  if (override) throw new Error(`RESULT_TYPE_OVERRIDES maps ${method} to ${override}, which does not exist`);
  const candidates: string[] = [];
  if (params && /Params$/.test(params.key)) candidates.push(params.key.replace(/Params$/, 'Response'));
  const base = `${pascal(method)}Response`;
  candidates.push(`v2/${base}`, base);
  for (const key of candidates) {
    const def = defs.byKey.get(key);
    if (def) return def;
  }
  throw new Error(
    `cannot find the result type of ${method} (tried ${candidates.join(', ')}); add it to RESULT_TYPE_OVERRIDES`,
  );
}

export function classifyMethods(
  snapshot: Snapshot,
  defs: DefinitionSet,
  policy: MethodPolicy = DEFAULT_METHOD_POLICY,
): MethodInventory {
  const experimental = flattenDefinitions(snapshot.experimental.root);
  const stable = flattenDefinitions(snapshot.stable.root);
  const notes: string[] = [];
  const groups = {} as Record<MethodGroup, MethodDef[]>;
  const seen = new Map<string, MethodGroup>();

  for (const group of Object.keys(METHOD_UNIONS) as MethodGroup[]) {
    const unionName = METHOD_UNIONS[group];
    const stableMethods = new Set(unionBranches(stable, unionName).map((b) => b.method));
    const camelSeen = new Map<string, string>();
    groups[group] = unionBranches(experimental, unionName).map((branch): MethodDef => {
      const other = seen.get(branch.method);
      if (other) throw new Error(`method ${branch.method} appears in both ${other} and ${group}`);
      seen.set(branch.method, group);
      const { params, mode } = paramsOf(branch, defs);
      const shape = GROUP_SHAPE[group];
      const requiresExperimentalApi = !stableMethods.has(branch.method);
      const override = policy.stabilityOverrides[branch.method];
      const camelName = camelMethodName(branch.method);
      const clash = camelSeen.get(camelName);
      if (clash)
        throw new Error(`${branch.method} and ${clash} both map to ${camelName}; add FACADE_NAME_OVERRIDES`);
      camelSeen.set(camelName, branch.method);
      const rawDescription = branch.schema.description;
      if (override === undefined && rawDescription && /\bdeprecated\b/i.test(rawDescription)) {
        notes.push(
          `${branch.method}: the description mentions "deprecated" but STABILITY_OVERRIDES has no entry`,
        );
      }
      return {
        method: branch.method,
        group,
        direction: shape.direction,
        kind: shape.kind,
        stability: override?.stability ?? (requiresExperimentalApi ? 'experimental' : 'stable'),
        requiresExperimentalApi,
        stabilityReason: override?.reason,
        params,
        paramsMode: mode,
        result:
          shape.kind === 'request' && !(branch.method in policy.untypedResults)
            ? leniently(policy, notes, () =>
                resultOf(branch.method, params, defs, policy.resultTypeOverrides),
              )
            : undefined,
        experimentalFields: params && !params.experimentalOnly ? params.experimentalFields : [],
        description: cleanMethodDescription(rawDescription),
        camelName,
      };
    });
  }

  for (const method of Object.keys(policy.stabilityOverrides)) {
    if (!seen.has(method))
      stale(policy, notes, `STABILITY_OVERRIDES lists ${method}, which the snapshot does not have`);
  }
  for (const method of Object.keys(policy.resultTypeOverrides)) {
    if (seen.get(method) === undefined)
      stale(policy, notes, `RESULT_TYPE_OVERRIDES lists unknown method ${method}`);
  }

  const methods = (Object.keys(METHOD_UNIONS) as MethodGroup[]).flatMap((g) => groups[g]);
  const usedResults = new Set(methods.map((m) => m.result?.name).filter((n) => n !== undefined));
  for (const def of defs.definitions) {
    if (
      /Response$/.test(def.name) &&
      !usedResults.has(def.name) &&
      !(def.name in policy.unmatchedResponses)
    ) {
      notes.push(`definition ${def.key} looks like a result type but no method returns it`);
    }
  }
  return { methods, groups, notes };
}
