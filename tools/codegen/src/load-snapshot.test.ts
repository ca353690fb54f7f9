import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PINNED_CODEX_VERSION, REPO_ROOT } from '../test/fixtures.js';
import {
  computeRevision,
  findSnapshotDir,
  loadSnapshot,
  loadSnapshotDir,
  sha256Hex,
} from './load-snapshot.js';
import { LAYOUT } from './policy.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratchSnapshot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'codegen-load-'));
  dirs.push(dir);
  const files: Record<string, string> = {};
  for (const variant of LAYOUT.variants) {
    mkdirSync(join(dir, variant));
    for (const file of LAYOUT.bundleFiles) {
      const text = JSON.stringify({ definitions: { A: { type: 'string' } } });
      writeFileSync(join(dir, variant, file), text);
      files[`${variant}/${file}`] = sha256Hex(text);
    }
  }
  writeFileSync(
    join(dir, LAYOUT.provenanceFile),
    JSON.stringify({
      codexVersion: '9.9.9',
      codexVersionOutput: 'codex-cli 9.9.9',
      date: '',
      commands: [],
      source: '',
      files,
    }),
  );
  return dir;
}

describe('loadSnapshotDir', () => {
  it('loads both variants and verifies sha256 against the provenance', () => {
    const dir = scratchSnapshot();
    const snapshot = loadSnapshotDir(dir);
    expect(snapshot.version).toBe('9.9.9');
    expect(snapshot.files.map((f) => f.path)).toEqual([
      'experimental/codex_app_server_protocol.schemas.json',
      'experimental/codex_app_server_protocol.v2.schemas.json',
      'stable/codex_app_server_protocol.schemas.json',
      'stable/codex_app_server_protocol.v2.schemas.json',
    ]);
    writeFileSync(
      join(dir, 'stable', LAYOUT.rootBundle),
      JSON.stringify({ definitions: { A: { type: 'number' } } }),
    );
    expect(() => loadSnapshotDir(dir)).toThrow(
      /snapshot integrity: stable\/codex_app_server_protocol.schemas.json/,
    );
  });

  it('requires a provenance when asked to', () => {
    const dir = scratchSnapshot();
    rmSync(join(dir, LAYOUT.provenanceFile));
    expect(() => loadSnapshotDir(dir, { requireProvenance: true })).toThrow(/provenance.json is missing/);
    expect(loadSnapshotDir(dir, { version: '1.0.0' }).provenance).toBeUndefined();
  });
});

describe('computeRevision', () => {
  it('is order-independent and changes with any file hash', () => {
    const a = [
      { path: 'b', sha256: '1' },
      { path: 'a', sha256: '2' },
    ];
    expect(computeRevision(a)).toBe(computeRevision([...a].reverse()));
    expect(computeRevision(a)).not.toBe(
      computeRevision([
        { path: 'b', sha256: '1' },
        { path: 'a', sha256: '3' },
      ]),
    );
    expect(computeRevision(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('the vendored snapshot', () => {
  it('is the only version directory and passes its integrity check', () => {
    expect(findSnapshotDir(join(REPO_ROOT, LAYOUT.schemaRoot)).version).toBe(PINNED_CODEX_VERSION);
    const snapshot = loadSnapshot(REPO_ROOT);
    expect(snapshot.provenance?.codexVersion).toBe(PINNED_CODEX_VERSION);
    expect(snapshot.provenance?.commands).toEqual([
      'codex app-server generate-json-schema --out <out>/stable',
      'codex app-server generate-json-schema --experimental --out <out>/experimental',
    ]);
    expect(snapshot.revision).toBe(computeRevision(snapshot.files));
  });
});
