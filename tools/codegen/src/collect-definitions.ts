import {
  canonicalJson,
  isSchemaObject,
  type JsonSchemaBundle,
  type JsonSchemaObject,
  KNOWN_KEYWORDS,
} from './json-schema.js';
import type { Snapshot } from './load-snapshot.js';
import {
  DEFINITION_RENAMES,
  FREEFORM_OBJECT_DEFINITIONS,
  OMITTED_DEFINITIONS,
  RESERVED_NAME_SUFFIX,
  RESERVED_NAMES,
} from './policy.js';

/**
 * Pass 2 of the pipeline: flatten the bundle's definitions (root + namespaces such as `v2`) into one
 * named set, merge identical duplicates, and mark what exists only in the experimental bundle.
 */

export interface Definition {
  /** Canonical key (`v2/Thread`, `InitializeParams`). */
  key: string;
  /** Every key that resolves to this definition (several when identical duplicates were merged). */
  keys: string[];
  /** The TypeScript name. */
  name: string;
  /** The schema from the experimental bundle (a superset of the stable one). */
  schema: JsonSchemaObject;
  /** Absent from the stable bundle. */
  experimentalOnly: boolean;
  /** Top-level properties present only in the experimental bundle, sorted. */
  experimentalFields: string[];
  /** Indexes of `oneOf`/`anyOf` branches present only in the experimental bundle. */
  experimentalBranches: number[];
  /** A property-less object definition that is an open map (policy), not an empty struct. */
  freeform: boolean;
  /** Why it is not emitted, when it is in the omissions allow-list. */
  omitted: string | undefined;
}

export interface DefinitionSet {
  /** Every definition, sorted by name. */
  definitions: Definition[];
  byKey: ReadonlyMap<string, Definition>;
  byName: ReadonlyMap<string, Definition>;
  /** Resolves `#/definitions/...` (throws on a dangling reference). */
  resolveRef(ref: string): Definition;
  /** Non-fatal findings (schema oddities), for the report. */
  notes: string[];
}

const REF_PREFIX = '#/definitions/';

/** `#/definitions/v2/Thread` → `v2/Thread`. */
export function refToKey(ref: string): string {
  if (!ref.startsWith(REF_PREFIX))
    throw new Error(`unsupported $ref ${ref} (only #/definitions/... is supported)`);
  return ref.slice(REF_PREFIX.length);
}

function isNamespace(value: unknown): value is Record<string, JsonSchemaObject> {
  if (!isSchemaObject(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length > 0 &&
    keys.every((k) => !KNOWN_KEYWORDS.has(k) && isSchemaObject((value as Record<string, unknown>)[k]))
  );
}

/** Flattens `definitions` (and one level of namespaces) into `key → schema`. */
export function flattenDefinitions(bundle: JsonSchemaBundle): Map<string, JsonSchemaObject> {
  const out = new Map<string, JsonSchemaObject>();
  for (const [key, value] of Object.entries(bundle.definitions)) {
    if (isNamespace(value)) {
      for (const [inner, schema] of Object.entries(value)) out.set(`${key}/${inner}`, schema);
    } else {
      out.set(key, value as JsonSchemaObject);
    }
  }
  return out;
}

/** The TypeScript name for a definition key, per {@link DEFINITION_RENAMES} and {@link RESERVED_NAMES}. */
export function definitionName(key: string): string {
  const renamed = DEFINITION_RENAMES[key];
  if (renamed) return renamed;
  const last = key.slice(key.lastIndexOf('/') + 1);
  const name = last.replace(/[^A-Za-z0-9_$]/g, '_');
  return RESERVED_NAMES.has(name) ? `${name}${RESERVED_NAME_SUFFIX}` : name;
}

/** Schema text used to compare two definitions: refs rewritten to names, top-level metadata dropped. */
function comparable(schema: JsonSchemaObject, nameOf: (key: string) => string): string {
  const { $schema: _s, title: _t, description: _d, ...rest } = schema;
  return canonicalJson(
    JSON.parse(JSON.stringify(rest), (k, v) =>
      k === '$ref' && typeof v === 'string' ? nameOf(refToKey(v)) : v,
    ),
  );
}

function branchesOf(schema: JsonSchemaObject): unknown[] | undefined {
  return schema.oneOf ?? schema.anyOf;
}

export function collectDefinitions(snapshot: Snapshot): DefinitionSet {
  const experimental = flattenDefinitions(snapshot.experimental.root);
  const stable = flattenDefinitions(snapshot.stable.root);
  const notes: string[] = [];

  for (const key of stable.keys()) {
    if (!experimental.has(key))
      throw new Error(`definition ${key} is in the stable bundle but not the experimental one`);
  }

  const keys = [...experimental.keys()].sort();
  const provisionalName = (key: string): string => definitionName(key);
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const name = provisionalName(key);
    groups.set(name, [...(groups.get(name) ?? []), key]);
  }

  const byKey = new Map<string, Definition>();
  const byName = new Map<string, Definition>();
  for (const [name, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (group.length > 1) {
      const texts = group.map((k) => comparable(experimental.get(k)!, provisionalName));
      if (texts.some((t) => t !== texts[0])) {
        throw new Error(
          `definitions ${group.join(', ')} share the name ${name} but differ; add an entry to DEFINITION_RENAMES`,
        );
      }
      notes.push(`identical definitions merged under one name: ${group.join(' = ')}`);
    }
    // Prefer the namespaced (v2) key as canonical: it is where new API lives.
    const canonical = [...group].sort(
      (a, b) => b.split('/').length - a.split('/').length || (a < b ? -1 : 1),
    )[0]!;
    const schema = experimental.get(canonical)!;
    const stableSchema = group.map((k) => stable.get(k)).find((s) => s !== undefined);
    const experimentalFields =
      stableSchema && schema.properties
        ? Object.keys(schema.properties)
            .filter((p) => !(stableSchema.properties && p in stableSchema.properties))
            .sort()
        : [];
    const experimentalBranches: number[] = [];
    const expBranches = branchesOf(schema);
    const stableBranches = stableSchema ? branchesOf(stableSchema) : undefined;
    if (expBranches && stableBranches) {
      const known = new Set(stableBranches.map((b) => canonicalJson(b)));
      expBranches.forEach((b, i) => {
        if (!known.has(canonicalJson(b))) experimentalBranches.push(i);
      });
    }
    const def: Definition = {
      key: canonical,
      keys: group,
      name,
      schema,
      experimentalOnly: stableSchema === undefined,
      experimentalFields,
      experimentalBranches,
      freeform: group.some((k) => FREEFORM_OBJECT_DEFINITIONS.has(k)),
      omitted: OMITTED_DEFINITIONS[name],
    };
    for (const k of group) byKey.set(k, def);
    byName.set(name, def);
  }

  // Cross-check the flat v2 bundle against the root bundle: same definitions, same content.
  for (const [variant, bundles] of [
    ['stable', snapshot.stable],
    ['experimental', snapshot.experimental],
  ] as const) {
    const root = variant === 'stable' ? stable : experimental;
    for (const [key, schema] of flattenDefinitions(bundles.v2)) {
      const candidates = [`v2/${key}`, key];
      const match = candidates.map((k) => root.get(k)).find((s) => s !== undefined);
      const flat = (s: JsonSchemaObject) =>
        canonicalJson(s).replaceAll('#/definitions/v2/', '#/definitions/');
      if (!match) notes.push(`${variant} v2 bundle defines ${key}, which the root bundle lacks`);
      else if (flat(match) !== flat(schema))
        notes.push(`${variant} v2 bundle's ${key} differs from the root bundle's`);
    }
  }

  const definitions = [...byName.values()];
  return {
    definitions,
    byKey,
    byName,
    resolveRef(ref: string): Definition {
      const def = byKey.get(refToKey(ref));
      if (!def) throw new Error(`dangling $ref ${ref}`);
      return def;
    },
    notes,
  };
}
