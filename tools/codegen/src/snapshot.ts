import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadSnapshotDir, type Provenance, type Snapshot, sha256Hex } from './load-snapshot.js';
import { LAYOUT } from './policy.js';

/**
 * Runs a codex binary to export the JSON Schema bundles (stable and `--experimental`). Used by the
 * `snapshot` command (refresh the vendored copy) and the `diff` command (compare without writing).
 */

/** Bound on every codex invocation (generation takes well under a second). */
export const CODEX_TIMEOUT_MS = 120_000;

export interface ExportedSchema {
  version: string;
  versionOutput: string;
  commands: string[];
  /** Directory holding `<variant>/<bundle files>` and `provenance.json`. */
  dir: string;
}

function runCodex(codexBin: string, args: string[], env: NodeJS.ProcessEnv): string {
  // A JavaScript wrapper (e.g. node_modules/@openai/codex/bin/codex.js) runs under this node.
  const [command, argv] = /\.(c|m)?js$/.test(codexBin)
    ? [process.execPath, [codexBin, ...args]]
    : [codexBin, args];
  const result = spawnSync(command, argv, { encoding: 'utf8', env, timeout: CODEX_TIMEOUT_MS });
  if (result.error) throw new Error(`could not run ${codexBin} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `${codexBin} ${args.join(' ')} exited with ${result.status ?? result.signal}: ${(result.stderr ?? '').trim().slice(-2000)}`,
    );
  }
  return result.stdout;
}

/** Parses `codex-cli 0.169.0` (or any text holding a semver) into `0.169.0`. */
export function parseCodexVersion(output: string): string {
  const match = /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(output);
  if (!match) throw new Error(`cannot find a version in codex --version output: ${JSON.stringify(output)}`);
  return match[1]!;
}

/**
 * Exports both variants into `outDir` (created) and writes `provenance.json`. `CODEX_HOME` points
 * at an empty temporary directory so the user's configuration cannot influence the output.
 */
export function exportSchema(codexBin: string, outDir: string, now: Date = new Date()): ExportedSchema {
  const codexHome = mkdtempSync(join(tmpdir(), 'codexus-codegen-home-'));
  try {
    const env = { ...process.env, CODEX_HOME: codexHome, RUST_LOG: 'error' };
    const versionOutput = runCodex(codexBin, ['--version'], env).trim();
    const version = parseCodexVersion(versionOutput);
    const commands: string[] = [];
    const scratch = mkdtempSync(join(tmpdir(), 'codexus-codegen-export-'));
    try {
      for (const variant of LAYOUT.variants) {
        const flags = variant === 'experimental' ? ['--experimental'] : [];
        const args = ['app-server', 'generate-json-schema', ...flags, '--out', join(scratch, variant)];
        runCodex(codexBin, args, env);
        commands.push(
          ['codex', 'app-server', 'generate-json-schema', ...flags, '--out', `<out>/${variant}`].join(' '),
        );
        mkdirSync(join(outDir, variant), { recursive: true });
        for (const file of LAYOUT.bundleFiles) {
          cpSync(join(scratch, variant, file), join(outDir, variant, file));
        }
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const files: Record<string, string> = {};
    for (const variant of LAYOUT.variants) {
      for (const file of LAYOUT.bundleFiles) {
        files[`${variant}/${file}`] = sha256Hex(readFileSync(join(outDir, variant, file)));
      }
    }
    const provenance: Provenance = {
      codexVersion: version,
      codexVersionOutput: versionOutput,
      date: now.toISOString().slice(0, 10),
      commands,
      source: describeSource(codexBin, version),
      environment: 'CODEX_HOME=<empty temporary directory>, RUST_LOG=error; no network access needed',
      files,
    };
    writeFileSync(join(outDir, LAYOUT.provenanceFile), `${JSON.stringify(provenance, null, 2)}\n`);
    return { version, versionOutput, commands, dir: outDir };
  } finally {
    rmSync(codexHome, { recursive: true, force: true });
  }
}

/** A machine-independent description of the binary (no absolute paths). */
export function describeSource(codexBin: string, version: string): string {
  const platform = `${process.platform}-${process.arch}`;
  if (/node_modules[\\/]@openai[\\/]codex/.test(codexBin))
    return `npm @openai/codex@${version} (${platform})`;
  return `${basename(codexBin)} ${version} (${platform})`;
}

/** Exports into a temporary directory and loads it; the caller removes `dir` when done. */
export function exportToTemp(codexBin: string): { snapshot: Snapshot; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'codexus-codegen-snapshot-'));
  try {
    const exported = exportSchema(codexBin, dir);
    return { snapshot: loadSnapshotDir(dir, { version: exported.version, requireProvenance: true }), dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Replaces the vendored snapshot under `schemaRoot` with a fresh export: the new `<version>/`
 * directory is written and any other version directory is removed (git keeps the history).
 */
export function replaceVendoredSnapshot(codexBin: string, schemaRoot: string): Snapshot {
  const { snapshot, dir } = exportToTemp(codexBin);
  try {
    mkdirSync(schemaRoot, { recursive: true });
    for (const name of readdirSync(schemaRoot)) {
      if (/^\d+\.\d+\.\d+/.test(name)) rmSync(join(schemaRoot, name), { recursive: true, force: true });
    }
    const target = join(schemaRoot, snapshot.version);
    cpSync(dir, target, { recursive: true });
    if (!existsSync(join(target, LAYOUT.provenanceFile))) throw new Error('provenance was not written');
    return loadSnapshotDir(target, { version: snapshot.version, requireProvenance: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
