#!/usr/bin/env node
// `pnpm docs`: the TypeDoc API reference of every publishable package, with no typedoc.json. Each
// package is converted on its own (its tsconfig.json, one entry point per `exports` subpath, mapped
// from dist/*.d.ts back to src/*.ts), saved as TypeDoc JSON, then all are merged into one HTML site.
// Any TypeDoc warning fails the run (treatWarningsAsErrors).
//
//   node tools/release/src/docs-api.mjs [--out <dir>] [--only core,protocol]
//   default output: tools/release/dist/api-docs (gitignored)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Application, TSConfigReader } from 'typedoc';
import { seconds, table } from './lib/report.mjs';
import { discoverPackages, entryPoints, ROOT, rel } from './lib/workspace.mjs';

const args = process.argv.slice(2);
const out = args.includes('--out')
  ? args[args.indexOf('--out') + 1]
  : join(ROOT, 'tools', 'release', 'dist', 'api-docs');

const COMMON = {
  treatWarningsAsErrors: true,
  excludePrivate: true,
  excludeProtected: false,
  excludeInternal: true,
  excludeExternals: true,
  validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: false },
  logLevel: 'Warn',
  ignoredHighlightLanguages: ['mermaid'],
  githubPages: false,
  hideGenerator: true,
  disableGit: true,
  sourceLinkTemplate: 'https://github.com/codexus/codexus/blob/main/{path}#L{line}',
  basePath: ROOT,
};

/** dist/x.d.ts → src/x.ts (the declarations are built from there). */
function sourceOf(pkg, typesFile) {
  const src = typesFile.replace(/^\.\/dist\//, './src/').replace(/\.d\.ts$/, '.ts');
  return join(pkg.dir, src);
}

async function convertPackage(pkg, jsonFile) {
  const exported = entryPoints(pkg.manifest).filter((e) => e.types && e.subpath !== './internal');
  const entries = exported.map((e) => sourceOf(pkg, e.types));
  const missing = entries.filter((f) => !existsSync(f));
  if (missing.length > 0)
    return { ok: false, detail: `entry sources missing: ${missing.map(rel).join(', ')}` };
  const readme = join(pkg.dir, 'README.md');
  const app = await Application.bootstrapWithPlugins(
    {
      ...COMMON,
      name: pkg.name,
      entryPoints: entries,
      entryPointStrategy: 'resolve',
      tsconfig: join(pkg.dir, 'tsconfig.json'),
      readme: existsSync(readme) ? readme : 'none',
      skipErrorChecking: false,
    },
    [new TSConfigReader()],
  );
  const project = await app.convert();
  if (!project) return { ok: false, detail: 'conversion failed (see the messages above)' };
  // Name each module of a multi-entry package by its import path (`@codexus/plugin/node`), not its file path.
  if (entries.length > 1) {
    for (const child of project.children ?? []) {
      const file = child.sources?.[0]?.fullFileName;
      const i = entries.indexOf(file);
      if (i >= 0)
        child.name = exported[i].subpath === '.' ? pkg.name : `${pkg.name}/${exported[i].subpath.slice(2)}`;
    }
  }
  app.validate(project);
  if (app.logger.hasErrors() || app.logger.hasWarnings()) {
    return { ok: false, detail: `${app.logger.errorCount} errors, ${app.logger.warningCount} warnings` };
  }
  await app.generateJson(project, jsonFile);
  return { ok: true, detail: `${entries.length} entry points` };
}

const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;
const packages = discoverPackages().filter((p) => !only || only.includes(p.name) || only.includes(p.folder));
const work = mkdtempSync(join(tmpdir(), 'codexus-typedoc-'));
const rows = [];
const jsons = [];
const started = performance.now();
try {
  for (const pkg of packages) {
    const t0 = performance.now();
    console.log(`\n-- ${pkg.name}`);
    const jsonFile = join(work, `${pkg.unscoped}.json`);
    const r = await convertPackage(pkg, jsonFile);
    rows.push([pkg.name, r.ok ? 'ok' : 'FAIL', r.detail, seconds(performance.now() - t0)]);
    if (r.ok) jsons.push(jsonFile);
  }
  const failed = rows.filter((r) => r[1] !== 'ok').length;
  if (failed === 0) {
    const app = await Application.bootstrapWithPlugins({
      ...COMMON,
      name: 'codexus',
      entryPoints: jsons,
      entryPointStrategy: 'merge',
      readme: join(ROOT, 'docs', 'packages.md'),
    });
    const project = await app.convert();
    if (!project || app.logger.hasErrors() || app.logger.hasWarnings()) {
      rows.push(['(merged site)', 'FAIL', 'merge failed', '']);
    } else {
      await app.generateDocs(project, out);
      if (app.logger.hasErrors() || app.logger.hasWarnings())
        rows.push(['(merged site)', 'FAIL', 'warnings while rendering', '']);
      else rows.push(['(merged site)', 'ok', rel(out), '']);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`\n${table(['package', 'typedoc', 'detail', 'time'], rows)}`);
const failed = rows.filter((r) => r[1] !== 'ok').length;
console.log(
  failed === 0
    ? `\nAPI reference: ${rel(join(out, 'index.html'))} (${seconds(performance.now() - started)})`
    : `\n${failed} failed: fix the TypeDoc warnings above`,
);
process.exit(failed === 0 ? 0 : 1);
