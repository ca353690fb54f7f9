#!/usr/bin/env node
// Install size of every publishable package:
//   packed / unpacked / files  the tarball `pnpm pack` makes (what `pnpm publish` uploads)
//   installed                  `npm install <pkg>@<version>` alone in a fresh project, from a throwaway
//                              local registry (codexus packages) + the normal registry (third party):
//                              the package with its whole production dependency tree
// Prints a table and writes it into docs/packages.md between the install-sizes markers
// (`--no-write` only prints). Fails when @codexus/core or @codexus/protocol pulls in an HTTP framework
// or browser code; flags any third-party package over 500 kB.
//
//   node tools/release/src/install-sizes.mjs [--no-write]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapLimit, run } from './lib/exec.mjs';
import { installedPackages } from './lib/installed.mjs';
import { packPackage } from './lib/pack.mjs';
import { consumerNpmrc, installSpec, publishWorkspace, startRegistry } from './lib/registry.mjs';
import { size, table, updateBetweenMarkers } from './lib/report.mjs';
import { discoverPackages, missingBuildOutputs, ROOT } from './lib/workspace.mjs';

const write = !process.argv.includes('--no-write');
/** Packages that must stay light: transport and protocol are imported by everything. */
const LEAN = ['@codexus/core', '@codexus/protocol'];
const HEAVY_BYTES = 500_000;
const HTTP_FRAMEWORKS = [
  'express',
  'fastify',
  'koa',
  '@koa/router',
  '@hapi/hapi',
  'restify',
  'connect',
  'polka',
  'h3',
  'hono',
  '@nestjs/core',
  'next',
  'elysia',
  'body-parser',
];
const BROWSER_CODE = [
  'react',
  'react-dom',
  'preact',
  'vue',
  'svelte',
  'solid-js',
  '@angular/core',
  'lit',
  'jquery',
  'jsdom',
  'happy-dom',
  'puppeteer',
  'playwright',
  'playwright-core',
  'electron',
];

const packages = discoverPackages();
const built = packages.filter((p) => missingBuildOutputs(p).length === 0);
for (const p of packages.filter((x) => !built.includes(x))) console.log(`skip ${p.name}: not built`);

const packed = new Map();
for (const pkg of built) {
  const t = await packPackage(pkg);
  packed.set(pkg.name, {
    packed: t.bytes.length,
    unpacked: t.files.reduce((n, f) => n + f.size, 0),
    files: t.files.length,
  });
  t.dispose();
}

const registry = await startRegistry();
const installs = new Map();
try {
  await publishWorkspace(registry, packages);
  await mapLimit(built, 3, async (pkg) => {
    const dir = mkdtempSync(join(tmpdir(), `codexus-size-${pkg.unscoped}-`));
    try {
      writeFileSync(join(dir, 'package.json'), '{"name":"size-probe","version":"0.0.0","private":true}\n');
      writeFileSync(join(dir, '.npmrc'), consumerNpmrc(registry));
      const spec = installSpec(registry, pkg);
      const r = await run(
        'npm',
        ['install', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts', spec],
        {
          cwd: dir,
          timeoutMs: 240_000,
        },
      );
      const tree = installedPackages(join(dir, 'node_modules'));
      installs.set(pkg.name, { tree, ms: r.ms });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
} finally {
  await registry.stop();
}

let failed = false;
const rows = [];
const notes = [];
for (const pkg of built) {
  const p = packed.get(pkg.name);
  const { tree } = installs.get(pkg.name);
  const total = tree.reduce((n, t) => n + t.bytes, 0);
  const third = tree.filter((t) => !t.name.startsWith('@codexus/') && t.name !== 'codexus');
  const codexus = tree.filter((t) => t.name.startsWith('@codexus/') || t.name === 'codexus');
  const flags = [];
  for (const t of third) {
    const kind = HTTP_FRAMEWORKS.includes(t.name)
      ? 'HTTP framework'
      : BROWSER_CODE.includes(t.name)
        ? 'browser code'
        : '';
    if (kind && LEAN.includes(pkg.name)) {
      failed = true;
      flags.push(`FAIL ${t.name} (${kind})`);
    } else if (kind) flags.push(`${t.name} (${kind})`);
    if (t.bytes > HEAVY_BYTES) flags.push(`over 500 kB: ${t.name} ${size(t.bytes)}`);
  }
  rows.push([
    `\`${pkg.name}\``,
    size(p.packed),
    size(p.unpacked),
    p.files,
    size(total),
    `${codexus.length} + ${third.length}`,
    third.map((t) => `${t.name} ${size(t.bytes)}`).join(', ') || '–',
    flags.join('; ') || '–',
  ]);
  if (LEAN.includes(pkg.name)) {
    notes.push(`${pkg.name}: production tree ${tree.map((t) => `${t.name}@${t.version}`).join(', ')}`);
  }
}

const headers = [
  'package',
  'packed',
  'unpacked',
  'files',
  'installed (with prod deps)',
  'packages (codexus + third-party)',
  'third-party deps (installed size)',
  'flags',
];
const align = ['l', 'r', 'r', 'r', 'r', 'r', 'l', 'l'];
const text = table(headers, rows, align);
console.log(`\n${text}\n`);
for (const n of notes) console.log(n);
if (write) {
  const file = join(ROOT, 'docs', 'packages.md');
  const doc = [
    text,
    '',
    `Packed and unpacked: the \`pnpm pack\` tarball. Installed: \`npm install <package>\` alone in an empty`,
    'project (production dependencies, the optional `@openai/codex` peer not included), measured by',
    '`node tools/release/src/install-sizes.mjs` (1 kB = 1000 bytes).',
  ].join('\n');
  const { upToDate } = updateBetweenMarkers(file, 'install-sizes', doc);
  console.log(upToDate ? 'docs/packages.md: sizes unchanged' : 'docs/packages.md: sizes updated');
}
if (failed) {
  console.log(`\n${LEAN.join(' and ')} must stay free of HTTP frameworks and browser code.`);
  process.exit(1);
}
