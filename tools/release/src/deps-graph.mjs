#!/usr/bin/env node
// The dependency graph of the publishable packages, generated from their package.json files, written
// into docs/packages.md between the deps-graph markers. `--check` writes nothing and fails when the
// checked-in graph is stale.
//
//   node tools/release/src/deps-graph.mjs [--check]
import { join } from 'node:path';
import { table, updateBetweenMarkers } from './lib/report.mjs';
import { discoverPackages, externalDeps, internalDeps, ROOT } from './lib/workspace.mjs';

const check = process.argv.includes('--check');

/** The graph as markdown: a mermaid diagram (top layer first) and a table of every dependency. */
function renderGraph(packages) {
  const depth = new Map();
  const depthOf = (p) => {
    if (!depth.has(p.name)) {
      const deps = internalDeps(p, packages).map((d) => packages.find((x) => x.name === d));
      depth.set(p.name, deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depthOf)));
    }
    return depth.get(p.name);
  };
  const ordered = [...packages].sort((a, b) => depthOf(b) - depthOf(a) || a.name.localeCompare(b.name));
  const id = (name) => name.replace(/^@codexus\//, '').replace(/[^a-zA-Z0-9]/g, '_');
  const lines = ['```mermaid', 'graph TD'];
  for (const p of ordered) lines.push(`  ${id(p.name)}["${p.name}"]`);
  for (const p of ordered) {
    for (const d of internalDeps(p, packages)) lines.push(`  ${id(p.name)} --> ${id(d)}`);
  }
  lines.push('```');
  const rows = ordered.map((p) => {
    const peers = Object.entries(p.manifest.peerDependencies ?? {})
      .filter(([n]) => p.manifest.peerDependenciesMeta?.[n]?.optional)
      .map(([n, r]) => `${n} ${r}`);
    const ext = externalDeps(p, packages).map((n) =>
      `${n} ${p.manifest.dependencies?.[n] ?? p.manifest.peerDependencies?.[n] ?? ''}`.trim(),
    );
    return [
      `\`${p.name}\``,
      internalDeps(p, packages)
        .map((d) => `\`${d}\``)
        .join(', ') || '–',
      ext.join(', ') || '–',
      peers.join(', ') || '–',
    ];
  });
  return [
    lines.join('\n'),
    '',
    table(['package', 'codexus dependencies', 'third-party dependencies', 'optional peers'], rows),
    '',
    'Generated from `packages/*/package.json` by `node tools/release/src/deps-graph.mjs`; CI runs it with `--check`.',
  ].join('\n');
}

const file = join(ROOT, 'docs', 'packages.md');
const { upToDate, current, next } = updateBetweenMarkers(
  file,
  'deps-graph',
  renderGraph(discoverPackages()),
  { check },
);
if (check && !upToDate) {
  console.log(
    'docs/packages.md: the dependency graph is stale. Run `node tools/release/src/deps-graph.mjs`.',
  );
  console.log(`\n--- checked in\n${current}\n\n+++ generated\n${next}`);
  process.exit(1);
}
console.log(`docs/packages.md: dependency graph ${upToDate ? 'up to date' : 'written'}`);
