#!/usr/bin/env node
// Package hygiene of every publishable package (packages/*, not private), on the built package:
//   metadata  name, version, description, license, repository.directory, keywords, type, exports
//             (types first), files, sideEffects, engines.node, publishConfig.access, workspace: ranges,
//             @openai/codex only as an optional peer of @codexus/core
//   readme    README.md with the install line, a ts example and a docs link
//   license   LICENSE in the tarball, same text as the root LICENSE
//   tarball   what `pnpm pack` (the publish path) ships: entry files, no tests/tsbuildinfo,
//             workspace: ranges replaced, source maps that point at shipped files
//   deps      every package imported by dist is declared; declared but never imported (warning)
//   publint   errors and warnings fail, suggestions are listed
//   attw      @arethetypeswrong/cli --profile esm-only on the same tarball
// Prints one table; exit 1 on any failure. `--only <name>` limits the run; `--verbose` lists passes.
//
//   node tools/release/src/check-packages.mjs
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { mapLimit, run } from './lib/exec.mjs';
import { importedPackages } from './lib/imports.mjs';
import { packPackage } from './lib/pack.mjs';
import { table } from './lib/report.mjs';
import {
  discoverPackages,
  entryPoints,
  missingBuildOutputs,
  ROOT,
  readJson,
  toolBin,
} from './lib/workspace.mjs';

const CODEX_PACKAGE = '@openai/codex';
const CODEX_PEER_OWNER = '@codexus/core';
const DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];
const COLUMNS = ['metadata', 'readme', 'license', 'tarball', 'deps', 'publint', 'attw'];

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

const rootManifest = readJson(join(ROOT, 'package.json'));
const rootLicense = readFileSync(join(ROOT, 'LICENSE'), 'utf8');

/** A list of findings for one column: `fail`, `warn`, `info` or `pass`. */
class Findings {
  items = [];
  fail(text) {
    this.items.push({ level: 'fail', text });
  }
  warn(text) {
    this.items.push({ level: 'warn', text });
  }
  info(text) {
    this.items.push({ level: 'info', text });
  }
  pass(text) {
    this.items.push({ level: 'pass', text });
  }
  check(cond, passText, failText = passText) {
    if (cond) this.pass(passText);
    else this.fail(failText);
  }
  na(text) {
    this.items.push({ level: 'n/a', text });
  }
  get status() {
    if (this.items.length > 0 && this.items.every((i) => i.level === 'n/a')) return 'n/a';
    if (this.items.some((i) => i.level === 'fail'))
      return `FAIL ${this.items.filter((i) => i.level === 'fail').length}`;
    if (this.items.some((i) => i.level === 'warn')) return 'warn';
    return 'ok';
  }
}

function checkMetadata(pkg, all, f) {
  const m = pkg.manifest;
  const scoped = /^@codexus\/[a-z0-9][a-z0-9-]*$/.test(m.name) || m.name === 'codexus';
  f.check(scoped, `name ${m.name}`, `name ${m.name}: not @codexus/<name> or codexus`);
  f.check(
    pkg.unscoped === pkg.folder,
    'folder matches name',
    `folder packages/${pkg.folder} ≠ name ${m.name}`,
  );
  f.check(
    /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(m.version ?? ''),
    `version ${m.version}`,
    `version "${m.version}" is not semver`,
  );
  f.check(
    typeof m.description === 'string' && m.description.length >= 20,
    'description',
    'description missing or too short',
  );
  f.check(m.license === 'MIT', 'license MIT', `license "${m.license}" (expected "MIT")`);
  const repo = m.repository ?? {};
  const repoUrl = all[0].manifest.repository?.url;
  f.check(
    repo.type === 'git' && typeof repo.url === 'string',
    'repository',
    'repository { type: "git", url } missing',
  );
  f.check(repo.url === repoUrl, 'repository.url shared', `repository.url ${repo.url} ≠ ${repoUrl}`);
  if (typeof repo.url === 'string' && !repo.url.startsWith('git+')) {
    f.warn(
      `repository.url "${repo.url}": write "git+${repo.url}" (npm rewrites it on publish; publint suggests it)`,
    );
  }
  f.check(
    repo.directory === pkg.relDir,
    `repository.directory ${repo.directory}`,
    `repository.directory "${repo.directory}" (expected "${pkg.relDir}")`,
  );
  f.check(
    Array.isArray(m.keywords) && m.keywords.includes('codex'),
    'keywords',
    'keywords missing (or without "codex")',
  );
  f.check(m.type === 'module', 'type module', `type "${m.type}" (expected "module")`);
  f.check(m.sideEffects === false, 'sideEffects false', 'sideEffects must be false');
  f.check(Array.isArray(m.files) && m.files.includes('dist'), 'files', 'files must list "dist"');
  const engines = rootManifest.engines?.node;
  f.check(typeof m.engines?.node === 'string', `engines.node ${m.engines?.node}`, 'engines.node missing');
  if (m.engines?.node && m.engines.node !== engines)
    f.warn(`engines.node "${m.engines.node}" ≠ root "${engines}"`);
  f.check(
    m.publishConfig?.access === 'public',
    'publishConfig.access public',
    'publishConfig.access must be "public"',
  );
  if (m.publishConfig?.registry)
    f.fail(`publishConfig.registry "${m.publishConfig.registry}": publish goes to the default registry`);
  checkExports(m, f);
  checkRanges(pkg, all, f);
  checkCodexPeer(pkg, f);
}

function checkExports(m, f) {
  if (!m.exports || typeof m.exports !== 'object') return f.fail('exports map missing');
  const entries = Object.entries(m.exports);
  if (!m.exports['.']) f.fail('exports has no "." entry');
  for (const [subpath, target] of entries) {
    if (typeof target === 'string') {
      if (subpath !== './package.json' && /\.js$/.test(target))
        f.fail(`exports["${subpath}"] has no types condition`);
      continue;
    }
    const keys = Object.keys(target);
    if (keys[0] !== 'types') f.fail(`exports["${subpath}"]: "types" must come first (${keys.join(', ')})`);
    if (keys.includes('default') && keys.at(-1) !== 'default')
      f.fail(`exports["${subpath}"]: "default" must be last`);
    if (keys.includes('require'))
      f.fail(`exports["${subpath}"] has a "require" condition: the packages are ESM only`);
    // `./internal` is the one sanctioned subpath for what sibling packages share (no API report, no
    // semver promise); anything else that reaches into internals (`./internal/*`, `./src/...`) fails.
    if (subpath.includes('internal') && subpath !== './internal')
      f.fail(`exports["${subpath}"] exposes internals`);
  }
  const root = m.exports['.'];
  if (root && typeof root === 'object') {
    if (m.types !== undefined && m.types !== root.types)
      f.fail(`types "${m.types}" ≠ exports["."].types "${root.types}"`);
    if (m.main !== undefined && m.main !== root.default)
      f.fail(`main "${m.main}" ≠ exports["."].default "${root.default}"`);
  }
  if (!m.exports['./package.json']) f.info('no "./package.json" export (tools that read it need one)');
  f.pass(`exports: ${entries.map(([k]) => k).join(', ')}`);
}

function checkRanges(pkg, all, f) {
  const internal = new Set(all.map((p) => p.name));
  for (const field of DEP_FIELDS) {
    for (const [dep, range] of Object.entries(pkg.manifest[field] ?? {})) {
      if (dep.startsWith('@codexus/') && !String(range).startsWith('workspace:')) {
        f.fail(`${field}.${dep} = "${range}": internal dependencies use the workspace: protocol`);
      }
      if (internal.has(dep) && field === 'dependencies' && !/^workspace:[\^~]$/.test(range)) {
        f.warn(
          `${field}.${dep} = "${range}": "workspace:^" publishes a caret range (exact pins duplicate installs)`,
        );
      }
    }
  }
}

function checkCodexPeer(pkg, f) {
  const m = pkg.manifest;
  for (const field of ['dependencies', 'optionalDependencies']) {
    if (m[field]?.[CODEX_PACKAGE])
      f.fail(`${field} has ${CODEX_PACKAGE}: it must never be a hard dependency (hundreds of MB)`);
  }
  const peer = m.peerDependencies?.[CODEX_PACKAGE];
  const optional = m.peerDependenciesMeta?.[CODEX_PACKAGE]?.optional === true;
  if (pkg.name === CODEX_PEER_OWNER) {
    f.check(
      typeof peer === 'string' && optional,
      `${CODEX_PACKAGE} optional peer "${peer}"`,
      `${CODEX_PACKAGE} must be an optional peer (peerDependencies + peerDependenciesMeta.optional)`,
    );
  } else if (peer !== undefined) {
    if (!optional)
      f.fail(`peerDependencies.${CODEX_PACKAGE} is not optional: it would be installed for every user`);
    else f.warn(`${CODEX_PACKAGE} peer is declared by ${CODEX_PEER_OWNER} already`);
  }
}

function checkReadme(pkg, packed, f) {
  const readme = packed.entries.find((e) => /^readme(\.md)?$/i.test(e.path));
  if (!readme) return f.fail('README.md missing');
  const text = readme.data.toString('utf8');
  const name = pkg.name.replace(/[/.]/g, '\\$&');
  f.check(
    new RegExp(`(npm (install|i)|pnpm add|yarn add)\\s+(-[A-Za-z-]+\\s+)*${name}\\b`).test(text),
    'install line',
    `README has no install line (\`npm install ${pkg.name}\`)`,
  );
  const example = /```(ts|typescript)\n([\s\S]*?)```/.exec(text);
  f.check(
    example !== null,
    `example (${example?.[2].trim().split('\n').length ?? 0} lines)`,
    'README has no ```ts example',
  );
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  f.check(links.length > 0, 'docs link', 'README has no link to the docs');
  const relative = links.filter((l) => !/^(https?:|#|mailto:)/.test(l));
  if (relative.length > 0) {
    f.warn(
      `README links ${relative.join(', ')} are relative: they work on GitHub, not reliably on npmjs.com (use https://github.com/codexus/codexus/blob/main/...)`,
    );
  }
}

function checkLicense(packed, f) {
  const license = packed.entries.find((e) => /^licen[sc]e(\.md|\.txt)?$/i.test(e.path));
  if (!license)
    return f.fail('LICENSE not in the tarball (add packages/<name>/LICENSE, a copy of the root LICENSE)');
  f.check(
    license.data.toString('utf8') === rootLicense,
    'LICENSE = root LICENSE',
    'LICENSE differs from the root LICENSE',
  );
}

function checkTarball(pkg, packed, f) {
  const paths = new Set(packed.files.map((x) => x.path));
  for (const e of entryPoints(packed.manifest ?? pkg.manifest)) {
    for (const file of [e.types, e.js]) {
      if (file && !paths.has(normalize(file)))
        f.fail(`exports["${e.subpath}"] → ${file} is not in the tarball`);
    }
  }
  const junk = packed.files.filter((x) =>
    /\.tsbuildinfo$|(^|\/)(__tests__|test)\/|\.test(-d)?\.[a-z.]+$/.test(x.path),
  );
  if (junk.length > 0) {
    const bytes = junk.reduce((n, x) => n + x.size, 0);
    f.fail(
      `tarball ships ${junk.length} build/test files (${bytes} B): ${junk.map((x) => x.path).join(', ')}`,
    );
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(packed.manifest?.[field] ?? {})) {
      if (String(range).startsWith('workspace:')) f.fail(`packed ${field}.${dep} still "${range}"`);
    }
  }
  let maps = 0;
  let dangling = 0;
  for (const e of packed.entries.filter((x) => x.path.endsWith('.map'))) {
    maps++;
    try {
      const map = JSON.parse(e.data.toString('utf8'));
      const base = dirname(e.path);
      if ((map.sources ?? []).some((s) => !paths.has(normalize(join(base, map.sourceRoot ?? '', s)))))
        dangling++;
    } catch {
      dangling++;
    }
  }
  if (dangling > 0) {
    f.warn(`${dangling}/${maps} source maps point at files not in the tarball (src/ is not published)`);
  }
  f.pass(`${packed.files.length} files, ${packed.bytes.length} B packed`);
}

function checkDeps(pkg, packed, f) {
  const m = pkg.manifest;
  const code = packed.entries
    .filter((e) => /\.(m?js|d\.ts|d\.mts)$/.test(e.path))
    .map((e) => e.data.toString('utf8'));
  const used = importedPackages(code).filter((n) => n !== m.name);
  const declared = new Set(
    ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) => Object.keys(m[k] ?? {})),
  );
  const undeclared = used.filter((n) => !declared.has(n));
  // An optional peer is never installed for a user (e.g. @openai/codex, looked up at run time).
  const optionalPeer = (n) => m.peerDependenciesMeta?.[n]?.optional === true;
  const unused = [...declared].filter((n) => !used.includes(n) && !optionalPeer(n)).sort();
  for (const n of undeclared) {
    const dev = m.devDependencies?.[n] ? ' (only a devDependency)' : '';
    f.fail(`dist imports "${n}" but package.json does not declare it${dev}`);
  }
  for (const n of unused) f.warn(`"${n}" is declared but dist never imports it (installed for every user)`);
  f.pass(`imports: ${used.join(', ') || '(none)'}`);
}

async function checkPublint(pkg, f) {
  const { messages, pkg: manifest } = await publint({ pkgDir: pkg.dir, pack: 'pnpm', level: 'suggestion' });
  for (const msg of messages) {
    const text = `${msg.code}: ${formatMessage(msg, manifest, { color: false })}`;
    if (msg.type === 'suggestion') f.info(`publint suggestion ${text}`);
    else f.fail(`publint ${msg.type} ${text}`);
  }
  f.pass(`publint: ${messages.length} messages`);
}

async function checkAttw(packed, f) {
  const r = await run(
    process.execPath,
    [toolBin('@arethetypeswrong/cli', 'attw'), packed.tarball, '--profile', 'esm-only', '--format', 'json'],
    {
      timeoutMs: 120_000,
      allowFail: true,
    },
  );
  let json;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    return f.fail(`attw printed no JSON (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 400)}`);
  }
  const ignored = ['node10', 'node16-cjs']; // the esm-only profile
  const problems = (json.analysis?.problems ?? []).filter((p) => !ignored.includes(p.resolutionKind));
  if (json.analysis?.types?.kind !== 'included')
    f.fail(`attw: types are "${json.analysis?.types?.kind}", not included`);
  for (const p of problems) f.fail(`attw ${p.kind} at "${p.entrypoint ?? ''}" (${p.resolutionKind ?? ''})`);
  if (r.code !== 0 && problems.length === 0) f.fail(`attw exit ${r.code}`);
  const entries = Object.keys(json.analysis?.entrypoints ?? {});
  f.pass(`attw esm-only: ${entries.length} entry points, ${problems.length} problems`);
}

async function checkPackage(pkg, all) {
  const cols = Object.fromEntries(COLUMNS.map((c) => [c, new Findings()]));
  checkMetadata(pkg, all, cols.metadata);
  const missing = missingBuildOutputs(pkg);
  if (missing.length > 0) {
    cols.tarball.fail(`not built: ${missing.join(', ')} (run pnpm build); nothing else checked`);
    for (const c of COLUMNS.slice(1)) if (c !== 'tarball') cols[c].na('not built');
    return cols;
  }
  const packed = await packPackage(pkg);
  try {
    checkReadme(pkg, packed, cols.readme);
    checkLicense(packed, cols.license);
    checkTarball(pkg, packed, cols.tarball);
    checkDeps(pkg, packed, cols.deps);
    await Promise.all([checkPublint(pkg, cols.publint), checkAttw(packed, cols.attw)]);
  } finally {
    packed.dispose();
  }
  return cols;
}

const all = discoverPackages();
const selected = only ? all.filter((p) => p.name === only || p.folder === only) : all;
if (selected.length === 0) {
  console.error(only ? `no publishable package "${only}"` : 'no publishable package under packages/');
  process.exit(1);
}
console.log(`checking ${selected.length} publishable packages: ${selected.map((p) => p.name).join(', ')}`);
const results = await mapLimit(selected, 4, async (pkg) => ({ pkg, cols: await checkPackage(pkg, all) }));

let failures = 0;
for (const { pkg, cols } of results) {
  const lines = [];
  for (const c of COLUMNS) {
    for (const item of cols[c].items) {
      if (item.level === 'fail') failures++;
      if ((item.level === 'pass' || item.level === 'n/a') && !verbose) continue;
      lines.push(`  ${item.level.padEnd(4)} ${c.padEnd(8)} ${item.text}`);
    }
  }
  if (lines.length > 0) console.log(`\n${pkg.name}@${pkg.version} (${pkg.relDir})\n${lines.join('\n')}`);
}
console.log(
  `\n${table(
    ['package', ...COLUMNS],
    results.map(({ pkg, cols }) => [pkg.name, ...COLUMNS.map((c) => cols[c].status)]),
  )}`,
);
console.log(
  `\n${failures === 0 ? 'all checks passed' : `${failures} failing checks`} (${selected.length} packages)`,
);
process.exit(failures === 0 ? 0 : 1);
