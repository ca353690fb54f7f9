import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDiff, runSnapshot } from '../src/commands.js';
import { loadHistory } from '../src/history.js';
import { loadSnapshot, loadSnapshotDir, type Provenance, sha256Hex } from '../src/load-snapshot.js';
import { LAYOUT } from '../src/policy.js';
import { exportSchema } from '../src/snapshot.js';
import { CODEX_BIN, PINNED_CODEX_VERSION, REPO_ROOT } from './fixtures.js';

/** These tests run the real pinned codex binary (no network: schema export is offline). */

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function capture() {
  const lines: string[] = [];
  return { lines, io: { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) } };
}

/** A scratch repository whose vendored snapshot lacks `thread/sample` (as if taken from an older codex). */
function olderRepo(): string {
  const root = scratch('codegen-repo-');
  writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
  const vendored = loadSnapshot(REPO_ROOT);
  const target = join(root, LAYOUT.schemaRoot, '0.168.0');
  mkdirSync(join(root, LAYOUT.schemaRoot), { recursive: true });
  cpSync(vendored.dir, target, { recursive: true });
  const bundlePath = join(target, 'experimental', LAYOUT.rootBundle);
  const bundle = JSON.parse(readFileSync(bundlePath, 'utf8'));
  bundle.definitions.ClientRequest.oneOf = bundle.definitions.ClientRequest.oneOf.filter(
    (b: { properties: { method: { enum: string[] } } }) => b.properties.method.enum[0] !== 'thread/sample',
  );
  const text = JSON.stringify(bundle, null, 2);
  writeFileSync(bundlePath, text);
  const provenancePath = join(target, LAYOUT.provenanceFile);
  const provenance = JSON.parse(readFileSync(provenancePath, 'utf8')) as Provenance;
  provenance.codexVersion = '0.168.0';
  provenance.files[`experimental/${LAYOUT.rootBundle}`] = sha256Hex(text);
  writeFileSync(provenancePath, JSON.stringify(provenance, null, 2));
  return root;
}

describe('snapshot against the real codex', () => {
  it('reproduces the vendored snapshot byte for byte', () => {
    const out = scratch('codegen-export-');
    const exported = exportSchema(CODEX_BIN, out);
    expect(exported.version).toBe(PINNED_CODEX_VERSION);
    const fresh = loadSnapshotDir(out, { requireProvenance: true });
    const vendored = loadSnapshot(REPO_ROOT);
    expect(fresh.files).toEqual(vendored.files);
    expect(fresh.revision).toBe(vendored.revision);
  });

  it('diff reports no drift for the pinned codex', () => {
    const { lines, io } = capture();
    expect(runDiff(REPO_ROOT, CODEX_BIN, io)).toBe(0);
    expect(lines.join('\n')).toContain('No drift');
  });

  it('diff exits 1 and names the added method when the vendored snapshot is older', () => {
    const { lines, io } = capture();
    expect(runDiff(olderRepo(), CODEX_BIN, io)).toBe(1);
    expect(lines.join('\n')).toContain('Methods added (1):\n  thread/sample [clientRequests, experimental]');
  });

  it('snapshot replaces the vendored version directory and prints the drift', () => {
    const root = olderRepo();
    const { lines, io } = capture();
    expect(runSnapshot(root, CODEX_BIN, io)).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain('codex 0.168.0');
    expect(text).toContain('thread/sample');
    const refreshed = loadSnapshot(root);
    expect(refreshed.version).toBe(PINNED_CODEX_VERSION);
    expect(refreshed.revision).toBe(loadSnapshot(REPO_ROOT).revision);
    // The old pin's method list is kept in the history (without the method it lacked).
    expect(text).toContain("kept codex 0.168.0's method list");
    const [kept] = loadHistory(join(root, LAYOUT.schemaRoot));
    expect(kept?.codexVersion).toBe('0.168.0');
    expect(kept?.methods.clientRequests).toHaveProperty('thread/start');
    expect(kept?.methods.clientRequests).not.toHaveProperty('thread/sample');
  });
});
