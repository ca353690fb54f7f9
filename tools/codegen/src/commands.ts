import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkGenerated, formatCheckResult } from './check.js';
import { computeDrift, formatDrift, hasDrift } from './drift.js';
import { generateVendored } from './generate.js';
import { compareVersionText, historyOfSnapshot, recordHistory, writeHistory } from './history.js';
import { loadSnapshot, type Provenance } from './load-snapshot.js';
import { buildModel, type GenerationModel, LENIENT_METHOD_POLICY } from './model.js';
import { generatedDir, schemaRoot } from './paths.js';
import { exportToTemp, replaceVendoredSnapshot } from './snapshot.js';

/** The CLI commands as functions returning an exit code (the CLI only parses arguments). */

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const consoleOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** `generate`: snapshot → packages/protocol/src/generated (stale files removed). */
export function runGenerate(
  repoRoot: string,
  io: Output = consoleOutput,
  outDir = generatedDir(repoRoot),
): number {
  const { files, model } = generateVendored(repoRoot);
  mkdirSync(outDir, { recursive: true });
  const keep = new Set(files.map((f) => f.path));
  for (const name of readdirSync(outDir))
    if (!keep.has(name)) rmSync(join(outDir, name), { recursive: true });
  let total = 0;
  for (const file of files) {
    writeFileSync(join(outDir, file.path), file.content);
    total += Buffer.byteLength(file.content);
    io.out(`  ${file.path.padEnd(20)} ${kib(Buffer.byteLength(file.content)).padStart(10)}`);
  }
  io.out(`generated ${files.length} files (${kib(total)}) from codex ${model.version} into ${outDir}`);
  printNotes(model, io);
  return 0;
}

/** `check`: regenerate in memory; exit 1 with a diff when the checked-in output differs. */
export function runCheck(
  repoRoot: string,
  io: Output = consoleOutput,
  outDir = generatedDir(repoRoot),
): number {
  const { files } = generateVendored(repoRoot);
  const result = checkGenerated(outDir, files);
  (result.ok ? io.out : io.err)(formatCheckResult(result, outDir));
  return result.ok ? 0 : 1;
}

/** The vendored snapshot's lenient model and provenance (undefined when there is none usable). */
function vendored(
  repoRoot: string,
): { model: GenerationModel; provenance: Provenance | undefined } | undefined {
  if (!existsSync(schemaRoot(repoRoot))) return undefined;
  try {
    const snapshot = loadSnapshot(repoRoot);
    return { model: buildModel(snapshot, LENIENT_METHOD_POLICY), provenance: snapshot.provenance };
  } catch {
    return undefined;
  }
}

/** `snapshot --codex <bin>`: refresh the vendored snapshot and print the drift report. */
export function runSnapshot(repoRoot: string, codexBin: string, io: Output = consoleOutput): number {
  const old = vendored(repoRoot);
  const before = old?.model;
  const snapshot = replaceVendoredSnapshot(codexBin, schemaRoot(repoRoot));
  if (old && compareVersionText(old.model.version, snapshot.version) < 0) {
    // The old pin stays in the method history, so the per-method presence keeps it.
    writeHistory(schemaRoot(repoRoot), historyOfSnapshot(old.model, old.provenance));
    io.out(`kept codex ${old.model.version}'s method list in schema/history/`);
  }
  const after = buildModel(snapshot);
  io.out(formatDrift(computeDrift(before, after)));
  io.out('');
  io.out(`vendored codex ${snapshot.version} into ${snapshot.dir}`);
  io.out('next: review the drift, then pnpm --filter @codexus/codegen run generate (and add a changeset)');
  printNotes(after, io);
  return 0;
}

/** `history --codex <bin>`: record the binary's method list under schema/history/ (then generate). */
export function runHistory(repoRoot: string, codexBin: string, io: Output = consoleOutput): number {
  const entry = recordHistory(codexBin, schemaRoot(repoRoot));
  const counts = Object.entries(entry.methods).map(
    ([group, methods]) => `${Object.keys(methods).length} ${group}`,
  );
  io.out(`recorded codex ${entry.codexVersion}: ${counts.join(', ')}`);
  io.out('next: pnpm codegen generate (history.ts changes), and add a changeset');
  return 0;
}

export interface DiffOptions {
  /** Compare against this binary's export instead of the vendored snapshot. */
  from?: string | undefined;
  /** Print the report as one JSON object (`DriftReport` plus `notes`). */
  json?: boolean | undefined;
}

/** Exports `codexBin` into a temporary directory and builds its lenient model (removed after). */
function exportedModel(codexBin: string): GenerationModel {
  const { snapshot, dir } = exportToTemp(codexBin);
  try {
    return buildModel(snapshot, LENIENT_METHOD_POLICY);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `diff --codex <bin> [--from <bin>] [--json]`: the drift report only. Works against any codex:
 * what the policy tables do not cover is reported as notes, never fatal. Exit 0 = no drift,
 * 1 = drift (errors exit 2, from the CLI).
 */
export function runDiff(
  repoRoot: string,
  codexBin: string,
  io: Output = consoleOutput,
  options: DiffOptions = {},
): number {
  const before = options.from ? exportedModel(options.from) : vendored(repoRoot)?.model;
  const after = exportedModel(codexBin);
  const report = computeDrift(before, after);
  if (options.json) io.out(JSON.stringify({ ...report, notes: after.notes }, null, 2));
  else {
    io.out(formatDrift(report));
    printNotes(after, io);
  }
  return hasDrift(report) ? 1 : 0;
}

function printNotes(model: GenerationModel, io: Output): void {
  if (model.notes.length === 0) return;
  io.out(`notes (${model.notes.length}):`);
  for (const note of model.notes) io.out(`  - ${note}`);
}
