import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from './generate.js';
import { lineDiff } from './text-diff.js';

/** `check`: compare freshly generated files with what is checked in, without writing anything. */

export interface CheckResult {
  ok: boolean;
  /** Generated but not on disk. */
  missing: string[];
  /** On disk under the generated directory but no longer generated. */
  extra: string[];
  /** On disk with different content, with a readable diff (checked in → expected). */
  changed: { path: string; diff: string }[];
}

export function checkGenerated(outDir: string, files: readonly GeneratedFile[]): CheckResult {
  const missing: string[] = [];
  const changed: { path: string; diff: string }[] = [];
  for (const file of files) {
    const path = join(outDir, file.path);
    if (!existsSync(path)) {
      missing.push(file.path);
      continue;
    }
    const onDisk = readFileSync(path, 'utf8');
    if (onDisk !== file.content) {
      changed.push({
        path: file.path,
        diff: lineDiff(onDisk, file.content, [`checked in: ${file.path}`, `generated: ${file.path}`]),
      });
    }
  }
  const expected = new Set(files.map((f) => f.path));
  const extra = existsSync(outDir)
    ? readdirSync(outDir)
        .filter((name) => !expected.has(name))
        .sort()
    : [];
  return { ok: missing.length === 0 && extra.length === 0 && changed.length === 0, missing, extra, changed };
}

export function formatCheckResult(result: CheckResult, outDir: string): string {
  if (result.ok) return `generated code in ${outDir} is up to date`;
  const lines = [`generated code in ${outDir} is out of date:`];
  for (const path of result.missing) lines.push(`  missing: ${path}`);
  for (const path of result.extra) lines.push(`  not generated (remove it): ${path}`);
  for (const { path } of result.changed) lines.push(`  differs: ${path}`);
  for (const { diff } of result.changed) lines.push('', diff);
  lines.push(
    '',
    'Generated files are never edited by hand. Run: pnpm --filter @codexus/codegen run generate',
  );
  return lines.join('\n');
}
