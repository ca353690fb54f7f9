import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MethodGroup } from './classify-methods.js';
import type { Provenance } from './load-snapshot.js';
import { buildModel, type GenerationModel, LENIENT_METHOD_POLICY } from './model.js';
import { METHOD_UNIONS } from './policy.js';
import { describeSource, exportToTemp } from './snapshot.js';

/**
 * The method history: which methods each recorded codex version has. The pin's full snapshot
 * types the protocol; older versions of the supported range are kept as compact method lists
 * (`schema/history/<version>.json`, a few KiB each instead of 3 MiB of bundles), exported from
 * the real binaries by `codexus-codegen history --codex <bin>`. Generation merges them with the
 * pin into per-method presence (`generated/history.ts`).
 */

export const HISTORY_DIR = 'history';

/** Whether a method is in the stable bundle or only in the `--experimental` one. */
export type HistoryStability = 'stable' | 'experimental';

export interface HistoryEntry {
  codexVersion: string;
  /** What `codex --version` printed. */
  codexVersionOutput: string;
  /** ISO date (UTC) the list was exported. */
  date: string;
  /** Which binary produced it (package and platform). */
  source: string;
  /** The exact commands, as in the snapshot's provenance. */
  commands: string[];
  /** Every method of the version, per group, sorted, with its bundle. */
  methods: Record<MethodGroup, Record<string, HistoryStability>>;
}

const GROUPS = Object.keys(METHOD_UNIONS) as MethodGroup[];

export function compareVersionText(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The history entry of a model (the pin's entry is derived from its full snapshot this way). */
export function historyOf(
  model: GenerationModel,
  meta: Omit<HistoryEntry, 'methods' | 'codexVersion'>,
): HistoryEntry {
  const methods = Object.fromEntries(
    GROUPS.map((group) => [
      group,
      Object.fromEntries(
        model.methods.groups[group]
          .map((m) => [m.method, m.requiresExperimentalApi ? 'experimental' : 'stable'] as const)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
    ]),
  ) as HistoryEntry['methods'];
  return { codexVersion: model.version, ...meta, methods };
}

/**
 * The history entry of a snapshot's model, its metadata from the snapshot's provenance
 * (`overrides` win, e.g. the export date and source of a fresh export).
 */
export function historyOfSnapshot(
  model: GenerationModel,
  provenance: Provenance | undefined,
  overrides: Partial<Omit<HistoryEntry, 'methods' | 'codexVersion'>> = {},
): HistoryEntry {
  return historyOf(model, {
    codexVersionOutput: provenance?.codexVersionOutput ?? `codex-cli ${model.version}`,
    date: provenance?.date ?? '',
    source: provenance?.source ?? '',
    commands: provenance?.commands ?? [],
    ...overrides,
  });
}

function assertEntry(value: unknown, file: string): asserts value is HistoryEntry {
  const entry = value as Partial<HistoryEntry> | null;
  const fail = (what: string): never => {
    throw new Error(`${file}: not a method history entry (${what})`);
  };
  if (typeof entry !== 'object' || entry === null) fail('not an object');
  if (typeof entry!.codexVersion !== 'string' || !/^\d+\.\d+\.\d+/.test(entry!.codexVersion))
    fail('codexVersion');
  if (typeof entry!.methods !== 'object' || entry!.methods === null) fail('methods');
  for (const group of GROUPS) {
    const methods = entry!.methods![group];
    if (typeof methods !== 'object' || methods === null) fail(`methods.${group}`);
    for (const [method, stability] of Object.entries(methods))
      if (stability !== 'stable' && stability !== 'experimental') fail(`methods.${group}["${method}"]`);
  }
  if (`${entry!.codexVersion}.json` !== file.split(/[\\/]/).pop()) fail('file name ≠ codexVersion');
}

/** Every recorded entry under `<schemaRoot>/history/`, oldest first (none when the folder is absent). */
export function loadHistory(schemaRoot: string): HistoryEntry[] {
  const dir = join(schemaRoot, HISTORY_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => {
      const path = join(dir, name);
      const entry: unknown = JSON.parse(readFileSync(path, 'utf8'));
      assertEntry(entry, path);
      return entry;
    })
    .sort((a, b) => compareVersionText(a.codexVersion, b.codexVersion));
}

/** Writes `<schemaRoot>/history/<version>.json`. */
export function writeHistory(schemaRoot: string, entry: HistoryEntry): void {
  mkdirSync(join(schemaRoot, HISTORY_DIR), { recursive: true });
  writeFileSync(
    join(schemaRoot, HISTORY_DIR, `${entry.codexVersion}.json`),
    `${JSON.stringify(entry, null, 2)}\n`,
  );
}

/** Exports `codexBin`'s schema and records its method list as `<schemaRoot>/history/<version>.json`. */
export function recordHistory(codexBin: string, schemaRoot: string, now: Date = new Date()): HistoryEntry {
  const { snapshot, dir } = exportToTemp(codexBin);
  try {
    const model = buildModel(snapshot, LENIENT_METHOD_POLICY);
    const entry = historyOfSnapshot(model, snapshot.provenance, {
      date: now.toISOString().slice(0, 10),
      source: describeSource(codexBin, model.version),
    });
    writeHistory(schemaRoot, entry);
    return entry;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
