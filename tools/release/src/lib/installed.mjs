// What an npm or pnpm install put on disk: every installed package (real directories only, so pnpm's
// symlinks are not counted twice) with its name, version and size.
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every package under `nodeModules` (npm's nested layout and pnpm's `.pnpm` store layout), as
 * `{ name, version, dir, bytes }`, sorted by name. `bytes` is the package's own files (not its
 * nested node_modules).
 */
export function installedPackages(nodeModules) {
  const found = new Map();
  const walk = (nm) => {
    if (!existsSync(nm)) return;
    for (const entry of readdirSync(nm)) {
      const path = join(nm, entry);
      if (entry === '.pnpm') {
        for (const id of readdirSync(path)) walk(join(path, id, 'node_modules'));
        continue;
      }
      if (entry.startsWith('.')) continue; // .bin, .package-lock.json, .modules.yaml
      if (entry.startsWith('@')) for (const sub of readdirSync(path)) visit(join(path, sub));
      else visit(path);
    }
  };
  const visit = (dir) => {
    const st = lstatSync(dir);
    if (st.isSymbolicLink() || !st.isDirectory()) return;
    const real = realpathSync(dir);
    if (found.has(real)) return;
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) return;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    found.set(real, { name: manifest.name, version: manifest.version, dir: real, bytes: dirBytes(dir) });
    walk(join(dir, 'node_modules'));
  };
  walk(nodeModules);
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.dir.localeCompare(b.dir));
}

/** Apparent size of the files under `dir`, not following symlinks, skipping nested node_modules. */
export function dirBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

/** The codexus packages of an install (`@codexus/*` and `codexus`), as sorted `name@version`. */
export function codexusPackages(installed) {
  return installed
    .filter((p) => p.name === 'codexus' || p.name.startsWith('@codexus/'))
    .map((p) => `${p.name}@${p.version}`)
    .sort();
}
