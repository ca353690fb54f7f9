import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LAYOUT } from './policy.js';

/** The repository root: the nearest directory upwards holding `pnpm-workspace.yaml`. */
export function findRepoRoot(start: string = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${start}; pass --root`);
    dir = parent;
  }
}

export function schemaRoot(repoRoot: string): string {
  return join(repoRoot, LAYOUT.schemaRoot);
}

export function generatedDir(repoRoot: string): string {
  return join(repoRoot, LAYOUT.generatedDir);
}
