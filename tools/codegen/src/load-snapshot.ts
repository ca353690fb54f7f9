import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSchemaBundle } from './json-schema.js';
import { LAYOUT } from './policy.js';

/** Pass 1 of the pipeline: read the vendored snapshot (both variants) and check its integrity. */

export interface Provenance {
  codexVersion: string;
  /** What `codex --version` printed. */
  codexVersionOutput: string;
  /** ISO date (UTC) the snapshot was taken. */
  date: string;
  /** The exact commands, with `<codex>` for the binary and `<out>` for the output directory. */
  commands: string[];
  /** Which binary produced it (package and platform when known). */
  source: string;
  /** The environment the commands ran in (it must not depend on the maintainer's setup). */
  environment?: string;
  /** sha256 (hex) of every vendored file, keyed by its path relative to the version directory. */
  files: Record<string, string>;
}

export interface SnapshotBundles {
  /** The root bundle: every definition, v2 ones under `definitions.v2`. */
  root: JsonSchemaBundle;
  /** The flat v2 view (cross-checked against the root bundle). */
  v2: JsonSchemaBundle;
}

export interface Snapshot {
  version: string;
  dir: string;
  stable: SnapshotBundles;
  experimental: SnapshotBundles;
  /** Vendored files with their sha256, sorted by path. */
  files: { path: string; sha256: string }[];
  /** `sha256:<hex>` over the vendored files (see {@link computeRevision}). */
  revision: string;
  provenance: Provenance | undefined;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The inventory revision: sha256 over `"<sha256>  <path>\n"` lines of the vendored bundle files,
 * sorted by path (the format of `sha256sum`). It changes exactly when a vendored bundle changes.
 */
export function computeRevision(files: readonly { path: string; sha256: string }[]): string {
  const lines = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.path}\n`)
    .join('');
  return `sha256:${sha256Hex(lines)}`;
}

/** The single `<version>` directory under the schema root. */
export function findSnapshotDir(schemaRoot: string): { version: string; dir: string } {
  if (!existsSync(schemaRoot))
    throw new Error(`no snapshot: ${schemaRoot} does not exist (run codexus-codegen snapshot)`);
  const versions = readdirSync(schemaRoot).filter(
    (name) => /^\d+\.\d+\.\d+/.test(name) && statSync(join(schemaRoot, name)).isDirectory(),
  );
  if (versions.length !== 1) {
    throw new Error(
      `expected exactly one snapshot version under ${schemaRoot}, found ${versions.length}: ${versions.join(', ') || '(none)'}`,
    );
  }
  const version = versions[0]!;
  return { version, dir: join(schemaRoot, version) };
}

function readBundle(path: string): { bundle: JsonSchemaBundle; text: string } {
  const text = readFileSync(path, 'utf8');
  const bundle = JSON.parse(text) as JsonSchemaBundle;
  if (typeof bundle !== 'object' || bundle === null || typeof bundle.definitions !== 'object') {
    throw new Error(`${path} is not a JSON Schema bundle (no "definitions")`);
  }
  return { bundle, text };
}

/**
 * Loads `<dir>/{stable,experimental}/<bundle files>`. With a provenance file the sha256 of every
 * file is verified (a hand-edited vendored file fails here); `requireProvenance` makes its absence
 * an error too (the vendored snapshot must have one; a scratch snapshot from `diff` need not).
 */
export function loadSnapshotDir(
  dir: string,
  options: { version?: string; requireProvenance?: boolean } = {},
): Snapshot {
  const provenancePath = join(dir, LAYOUT.provenanceFile);
  let provenance: Provenance | undefined;
  if (existsSync(provenancePath)) {
    provenance = JSON.parse(readFileSync(provenancePath, 'utf8')) as Provenance;
  } else if (options.requireProvenance) {
    throw new Error(`${provenancePath} is missing`);
  }
  const files: { path: string; sha256: string }[] = [];
  const variants: Record<string, SnapshotBundles> = {};
  for (const variant of LAYOUT.variants) {
    const root = readBundle(join(dir, variant, LAYOUT.rootBundle));
    const v2 = readBundle(join(dir, variant, LAYOUT.v2Bundle));
    files.push({ path: `${variant}/${LAYOUT.rootBundle}`, sha256: sha256Hex(root.text) });
    files.push({ path: `${variant}/${LAYOUT.v2Bundle}`, sha256: sha256Hex(v2.text) });
    variants[variant] = { root: root.bundle, v2: v2.bundle };
  }
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  if (provenance) {
    for (const file of files) {
      const expected = provenance.files[file.path];
      if (expected !== file.sha256) {
        throw new Error(
          `snapshot integrity: ${file.path} has sha256 ${file.sha256}, provenance says ${expected ?? '(not listed)'}. ` +
            'Vendored files are never edited by hand; refresh them with codexus-codegen snapshot.',
        );
      }
    }
  }
  const version = options.version ?? provenance?.codexVersion;
  if (!version) throw new Error(`cannot tell the codex version of the snapshot in ${dir}`);
  return {
    version,
    dir,
    stable: variants.stable!,
    experimental: variants.experimental!,
    files,
    revision: computeRevision(files),
    provenance,
  };
}

/** Loads the vendored snapshot under `<repoRoot>/packages/protocol/schema/<version>/`. */
export function loadSnapshot(repoRoot: string): Snapshot {
  const { version, dir } = findSnapshotDir(join(repoRoot, LAYOUT.schemaRoot));
  const snapshot = loadSnapshotDir(dir, { version, requireProvenance: true });
  if (snapshot.provenance && snapshot.provenance.codexVersion !== version) {
    throw new Error(`snapshot directory ${version} holds provenance for ${snapshot.provenance.codexVersion}`);
  }
  return snapshot;
}
