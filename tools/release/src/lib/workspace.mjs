// The publishable packages of the workspace, read from packages/*/package.json (never a fixed list:
// packages appear over time), with their internal dependency graph.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (tools/release/src/lib → ../../../..). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** The dependency fields that are installed for a consumer. */
export const PROD_DEP_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * @typedef {object} WorkspacePackage
 * @property {string} name      package name (`@codexus/core`, `codexus`)
 * @property {string} version
 * @property {string} folder    folder name under packages/ (`core`)
 * @property {string} dir       absolute package directory
 * @property {string} relDir    directory relative to the root (`packages/core`)
 * @property {string} unscoped  name without the scope (`core`), used for report file names
 * @property {Record<string, any>} manifest  the parsed package.json
 */

/**
 * Every package under packages/ that is publishable (no `private: true`), dependencies first
 * (topological order, ties by name). `includePrivate` also returns the private ones.
 * @returns {WorkspacePackage[]}
 */
export function discoverPackages({ includePrivate = false } = {}) {
  const base = join(ROOT, 'packages');
  const found = [];
  for (const folder of readdirSync(base).sort()) {
    const file = join(base, folder, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = readJson(file);
    if (manifest.private === true && !includePrivate) continue;
    const dir = join(base, folder);
    found.push({
      name: manifest.name,
      version: manifest.version,
      folder,
      dir,
      relDir: relative(ROOT, dir),
      unscoped: manifest.name.replace(/^@[^/]+\//, ''),
      manifest,
    });
  }
  return topoSort(found);
}

/** Internal (workspace) dependency names of `pkg` in the given fields. */
export function internalDeps(pkg, all, fields = PROD_DEP_FIELDS) {
  const names = new Set(all.map((p) => p.name));
  const deps = new Set();
  for (const field of fields) {
    for (const dep of Object.keys(pkg.manifest[field] ?? {})) if (names.has(dep)) deps.add(dep);
  }
  return [...deps].sort();
}

/** Third-party production dependency names of `pkg` (non-optional peers included). */
export function externalDeps(pkg, all) {
  const names = new Set(all.map((p) => p.name));
  const optionalPeers = pkg.manifest.peerDependenciesMeta ?? {};
  const deps = new Set();
  for (const field of PROD_DEP_FIELDS) {
    for (const dep of Object.keys(pkg.manifest[field] ?? {})) {
      if (names.has(dep)) continue;
      if (field === 'peerDependencies' && optionalPeers[dep]?.optional) continue;
      deps.add(dep);
    }
  }
  return [...deps].sort();
}

/** `name` plus every workspace package it reaches through production dependencies, sorted. */
export function closure(name, all) {
  const byName = new Map(all.map((p) => [p.name, p]));
  const seen = new Set();
  const visit = (n) => {
    if (seen.has(n) || !byName.has(n)) return;
    seen.add(n);
    for (const dep of internalDeps(byName.get(n), all)) visit(dep);
  };
  visit(name);
  return [...seen].sort();
}

/** Packages that depend on `name` directly or transitively (production dependencies), sorted. */
export function dependents(name, all) {
  const out = new Set();
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (out.has(p.name) || p.name === name) continue;
      if (internalDeps(p, all).some((d) => d === name || out.has(d))) {
        out.add(p.name);
        grew = true;
      }
    }
  }
  return [...out].sort();
}

function topoSort(pkgs) {
  const byName = new Map(pkgs.map((p) => [p.name, p]));
  const done = new Set();
  const out = [];
  const visit = (p, stack) => {
    if (done.has(p.name)) return;
    if (stack.has(p.name)) throw new Error(`dependency cycle through ${p.name}`);
    stack.add(p.name);
    for (const dep of internalDeps(p, pkgs, [...PROD_DEP_FIELDS, 'devDependencies'])) {
      // A dev dependency cycle (core ⇄ testkit for tests) does not order the build: skip edges back.
      if (!stack.has(dep)) visit(byName.get(dep), stack);
    }
    stack.delete(p.name);
    done.add(p.name);
    out.push(p);
  };
  for (const p of [...pkgs].sort((a, b) => a.name.localeCompare(b.name))) visit(p, new Set());
  return out;
}

/**
 * The entry points of a package from its `exports` map: subpath, the `types` and `default` targets.
 * `./package.json` and non-code subpaths are left out.
 * @returns {{ subpath: string, types?: string, js?: string }[]}
 */
export function entryPoints(manifest) {
  const exp = manifest.exports;
  if (exp === undefined) return [];
  const map = typeof exp === 'string' || isConditions(exp) ? { '.': exp } : exp;
  const out = [];
  for (const [subpath, target] of Object.entries(map)) {
    if (subpath === './package.json') continue;
    if (typeof target === 'string') {
      out.push({ subpath, js: target });
      continue;
    }
    out.push({ subpath, types: firstString(target.types), js: firstString(target.import ?? target.default) });
  }
  return out;
}

function isConditions(obj) {
  return Object.keys(obj).every((k) => !k.startsWith('.'));
}

function firstString(v) {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') return firstString(v.types ?? v.import ?? v.default);
  return undefined;
}

/** Entry files (`types` and `js`) that are not on disk yet: the package is not built. */
export function missingBuildOutputs(pkg) {
  const missing = [];
  for (const e of entryPoints(pkg.manifest)) {
    for (const file of [e.types, e.js]) if (file && !existsSync(join(pkg.dir, file))) missing.push(file);
  }
  if (entryPoints(pkg.manifest).length === 0) missing.push('(no exports map)');
  return missing;
}

/** The JS file of the `bin` of a devDependency of this tools package (run it with `node`). */
export function toolBin(pkgName, binName = pkgName.replace(/^@[^/]+\//, '')) {
  const require = createRequire(join(ROOT, 'tools', 'release', 'package.json'));
  const manifestPath = require.resolve(`${pkgName}/package.json`);
  const { bin } = readJson(manifestPath);
  const file = typeof bin === 'string' ? bin : bin[binName];
  return join(dirname(manifestPath), file);
}

export function rel(path) {
  return relative(ROOT, path) || '.';
}
