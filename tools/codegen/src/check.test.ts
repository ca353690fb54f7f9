import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test/fixtures.js';
import { checkGenerated, formatCheckResult } from './check.js';
import { runCheck } from './commands.js';
import { type GeneratedFile, generateVendored } from './generate.js';
import { generatedDir } from './paths.js';

let files: GeneratedFile[];
const dirs: string[] = [];

beforeAll(() => {
  files = generateVendored(REPO_ROOT).files;
});
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary copy of the checked-in generated directory (the real files are never touched). */
function copyOfGenerated(): string {
  const dir = mkdtempSync(join(tmpdir(), 'codegen-check-'));
  dirs.push(dir);
  cpSync(generatedDir(REPO_ROOT), dir, { recursive: true });
  return dir;
}

const quiet = { out: () => {}, err: () => {} };

describe('check', () => {
  it('passes on the checked-in generated code', () => {
    const result = checkGenerated(generatedDir(REPO_ROOT), files);
    expect(formatCheckResult(result, 'generated')).toBe('generated code in generated is up to date');
    expect(result.ok).toBe(true);
    expect(runCheck(REPO_ROOT, quiet)).toBe(0);
  });

  it('fails with a readable diff when a generated file was edited by hand', () => {
    const dir = copyOfGenerated();
    const path = join(dir, 'methods.ts');
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, original.replace("threadStart: 'thread/start',", "threadStart: 'thread/begin',"));
    const result = checkGenerated(dir, files);
    expect(result.ok).toBe(false);
    expect(result.changed.map((c) => c.path)).toEqual(['methods.ts']);
    const diff = result.changed[0]!.diff;
    expect(diff).toContain("-  threadStart: 'thread/begin',");
    expect(diff).toContain("+  threadStart: 'thread/start',");
    let stderr = '';
    expect(runCheck(REPO_ROOT, { out: () => {}, err: (t) => (stderr += t) }, dir)).toBe(1);
    expect(stderr).toContain('differs: methods.ts');
    expect(stderr).toContain('run generate');
  });

  it('fails on missing and stray files', () => {
    const dir = copyOfGenerated();
    unlinkSync(join(dir, 'facade.ts'));
    writeFileSync(join(dir, 'stale.ts'), '// old\n');
    const result = checkGenerated(dir, files);
    expect(result).toMatchObject({ ok: false, missing: ['facade.ts'], extra: ['stale.ts'] });
  });
});
