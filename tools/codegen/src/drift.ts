import type { MethodDef } from './classify-methods.js';
import type { DefinitionSet } from './collect-definitions.js';
import { refToKey } from './collect-definitions.js';
import { canonicalJson, isSchemaObject, type JsonSchema } from './json-schema.js';
import type { GenerationModel } from './model.js';

/**
 * The drift report between two snapshots (the vendored one and a fresh export): methods added or
 * removed, stability changes, experimental params fields, changed params/result types, and changed
 * definitions. Shapes ignore documentation (descriptions, titles, defaults), so a reworded comment
 * shows up only as "documentation changed".
 */

export interface MethodRef {
  method: string;
  group: string;
  stability: string;
}

export interface TypeChange {
  method: string;
  from: string | null;
  to: string | null;
  /** The type (or something it references) changed shape. */
  shapeChanged: boolean;
}

export interface DriftReport {
  from: { version: string; revision: string } | undefined;
  to: { version: string; revision: string };
  methodsAdded: MethodRef[];
  methodsRemoved: MethodRef[];
  stabilityChanged: { method: string; from: string; to: string }[];
  experimentalFieldsChanged: { method: string; added: string[]; removed: string[] }[];
  paramsChanged: TypeChange[];
  resultChanged: TypeChange[];
  definitionsAdded: string[];
  definitionsRemoved: string[];
  definitionsChanged: string[];
  /** Definitions whose documentation changed but not their shape. */
  docsChanged: string[];
}

const DOC_KEYS = new Set(['description', 'title', '$schema', 'default']);

/** The schema without documentation, refs rewritten to definition names. */
export function shapeOf(schema: JsonSchema, defs: DefinitionSet): unknown {
  if (!isSchemaObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DOC_KEYS.has(key)) continue;
    if (key === '$ref' && typeof value === 'string')
      out.$ref = defs.byKey.get(refToKey(value))?.name ?? value;
    else if (key === 'properties' && isSchemaObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, shapeOf(v, defs)]),
      );
    } else if (Array.isArray(value) && (key === 'oneOf' || key === 'anyOf' || key === 'allOf')) {
      out[key] = value.map((v) => shapeOf(v as JsonSchema, defs));
    } else if (key === 'items' || key === 'additionalProperties')
      out[key] = shapeOf(value as JsonSchema, defs);
    else out[key] = value;
  }
  return out;
}

function refsOf(shape: unknown, out: Set<string>): void {
  if (Array.isArray(shape)) for (const s of shape) refsOf(s, out);
  else if (shape !== null && typeof shape === 'object') {
    for (const [k, v] of Object.entries(shape)) {
      if (k === '$ref' && typeof v === 'string') out.add(v);
      else refsOf(v, out);
    }
  }
}

/** Canonical text of a definition's shape plus everything it references (transitively). */
function deepShape(name: string, model: GenerationModel, memo: Map<string, string>): string {
  const cached = memo.get(name);
  if (cached !== undefined) return cached;
  const seen = new Set<string>();
  const queue = [name];
  const parts: string[] = [];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const def = model.defs.byName.get(next);
    if (!def) continue;
    const shape = shapeOf(def.schema, model.defs);
    parts.push(`${next}=${canonicalJson(shape)}`);
    const refs = new Set<string>();
    refsOf(shape, refs);
    queue.push(...[...refs].sort());
  }
  const text = parts.sort().join('\n');
  memo.set(name, text);
  return text;
}

function ref(m: MethodDef): MethodRef {
  return { method: m.method, group: m.group, stability: m.stability };
}

function stabilityLabel(m: MethodDef): string {
  return m.requiresExperimentalApi && m.stability !== 'experimental'
    ? `${m.stability} (experimental API)`
    : m.stability;
}

export function computeDrift(from: GenerationModel | undefined, to: GenerationModel): DriftReport {
  const report: DriftReport = {
    from: from ? { version: from.version, revision: from.revision } : undefined,
    to: { version: to.version, revision: to.revision },
    methodsAdded: [],
    methodsRemoved: [],
    stabilityChanged: [],
    experimentalFieldsChanged: [],
    paramsChanged: [],
    resultChanged: [],
    definitionsAdded: [],
    definitionsRemoved: [],
    definitionsChanged: [],
    docsChanged: [],
  };
  const before = new Map((from?.methods.methods ?? []).map((m) => [m.method, m]));
  const after = new Map(to.methods.methods.map((m) => [m.method, m]));
  const memoFrom = new Map<string, string>();
  const memoTo = new Map<string, string>();
  for (const [method, m] of after) {
    const old = before.get(method);
    if (!old) {
      report.methodsAdded.push(ref(m));
      continue;
    }
    if (stabilityLabel(old) !== stabilityLabel(m)) {
      report.stabilityChanged.push({ method, from: stabilityLabel(old), to: stabilityLabel(m) });
    }
    const added = m.experimentalFields.filter((f) => !old.experimentalFields.includes(f));
    const removed = old.experimentalFields.filter((f) => !m.experimentalFields.includes(f));
    if (added.length > 0 || removed.length > 0)
      report.experimentalFieldsChanged.push({ method, added, removed });
    for (const [part, list] of [
      ['params', report.paramsChanged],
      ['result', report.resultChanged],
    ] as const) {
      const a = old[part]?.name ?? null;
      const b = m[part]?.name ?? null;
      const shapeChanged =
        a !== null && b !== null && from !== undefined
          ? deepShape(a, from, memoFrom) !== deepShape(b, to, memoTo)
          : a !== b;
      if (a !== b || shapeChanged) list.push({ method, from: a, to: b, shapeChanged });
    }
  }
  for (const [method, m] of before) if (!after.has(method)) report.methodsRemoved.push(ref(m));

  const defsBefore = from?.defs.byName ?? new Map();
  // The method unions (omitted definitions) change with every method change; methods are reported above.
  for (const [name, def] of to.defs.byName) {
    if (def.omitted !== undefined) continue;
    const old = defsBefore.get(name);
    if (!old) report.definitionsAdded.push(name);
    else if (from) {
      const shapeA = canonicalJson(shapeOf(old.schema, from.defs));
      const shapeB = canonicalJson(shapeOf(def.schema, to.defs));
      if (shapeA !== shapeB) report.definitionsChanged.push(name);
      else if (canonicalJson(old.schema) !== canonicalJson(def.schema)) report.docsChanged.push(name);
    }
  }
  for (const [name, def] of defsBefore) {
    if (def.omitted === undefined && !to.defs.byName.has(name)) report.definitionsRemoved.push(name);
  }
  for (const list of [
    report.definitionsAdded,
    report.definitionsRemoved,
    report.definitionsChanged,
    report.docsChanged,
  ]) {
    list.sort();
  }
  return report;
}

/** True when the two snapshots differ at all (any vendored byte). */
export function hasDrift(report: DriftReport): boolean {
  return report.from === undefined || report.from.revision !== report.to.revision;
}

function section(title: string, lines: string[]): string[] {
  return lines.length === 0 ? [] : ['', `${title} (${lines.length}):`, ...lines.map((l) => `  ${l}`)];
}

export function formatDrift(report: DriftReport): string {
  const from = report.from ? `codex ${report.from.version} (${report.from.revision})` : '(no snapshot)';
  const out = [`Drift report: ${from} → codex ${report.to.version} (${report.to.revision})`];
  if (!hasDrift(report)) {
    out.push('', 'No drift: the schema bundles are byte-identical.');
    return out.join('\n');
  }
  const typeLine = (c: TypeChange) =>
    `${c.method}: ${c.from ?? '(none)'} → ${c.to ?? '(none)'}${c.shapeChanged ? ' (shape changed)' : ''}`;
  out.push(
    ...section(
      'Methods added',
      report.methodsAdded.map((m) => `${m.method} [${m.group}, ${m.stability}]`),
    ),
    ...section(
      'Methods removed',
      report.methodsRemoved.map((m) => `${m.method} [${m.group}, ${m.stability}]`),
    ),
    ...section(
      'Stability changed',
      report.stabilityChanged.map((c) => `${c.method}: ${c.from} → ${c.to}`),
    ),
    ...section(
      'Experimental params fields changed',
      report.experimentalFieldsChanged.map(
        (c) => `${c.method}: ${[...c.added.map((f) => `+${f}`), ...c.removed.map((f) => `-${f}`)].join(' ')}`,
      ),
    ),
    ...section('Params types changed', report.paramsChanged.map(typeLine)),
    ...section('Result types changed', report.resultChanged.map(typeLine)),
    ...section('Definitions added', report.definitionsAdded),
    ...section('Definitions removed', report.definitionsRemoved),
    ...section('Definitions changed (shape)', report.definitionsChanged),
    ...section('Definitions with documentation changes only', report.docsChanged),
  );
  if (out.length === 1)
    out.push('', 'The bundles differ only in ways that do not change methods or definitions.');
  return out.join('\n');
}
