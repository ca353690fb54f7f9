#!/usr/bin/env node
// The consumer test: every publishable package goes through a throwaway local registry and is then
// installed the way a user installs it, one layer at a time, in fresh projects outside the workspace.
//
//   node tools/release/src/consumer-test.mjs [--keep]
//
// 1. Verdaccio on 127.0.0.1 (random port, temp storage, no uplinks); `pnpm publish -r` from the root.
// 2. npm project: `npm install @codexus/quick@<version>` only → exactly quick's layers installed;
//    testkit as a devDependency; a script runs quickRun against the real codex and the scripted model.
// 3. pnpm projects: `pnpm add @codexus/runtime` alone (session ask + AppServer typed request) and
//    `pnpm add @codexus/protocol` alone (inventory; no runtime code installed).
// 4. Each project's consumer .ts type-checks with moduleResolution node16 and bundler (strict,
//    verbatimModuleSyntax), using the workspace's TypeScript.
// Packages that do not exist yet are skipped with a message; a package that exists but is not built fails.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  missingBinaryScript,
  protocolScript,
  QUICK_TEXT,
  quickScript,
  RESULT_PREFIX,
  RUNTIME_TEXT,
  runtimeScript,
} from './lib/consumer-fixtures.mjs';
import { assertResolvedInside, consumerEnv, runScript, typecheck } from './lib/consumer-project.mjs';
import { run } from './lib/exec.mjs';
import { codexusPackages, installedPackages } from './lib/installed.mjs';
import {
  assertNoUplink,
  consumerNpmrc,
  installSpec,
  outboundLines,
  publishWorkspace,
  startRegistry,
} from './lib/registry.mjs';
import { seconds } from './lib/report.mjs';
import { assert, later, recordFailure, runDeferred, sameList, skip, step, summarize } from './lib/steps.mjs';
import { closure, discoverPackages, missingBuildOutputs, ROOT, readJson } from './lib/workspace.mjs';

const keep = process.argv.includes('--keep');
const INSTALL_TIMEOUT_MS = 240_000;
/** Packages that a layer install must never bring in (domains beside the layers). */
const DOMAIN_PACKAGES = [
  '@codexus/web',
  '@codexus/artifact',
  '@codexus/automation',
  '@codexus/automation-bullmq',
  '@codexus/otel',
];

const packages = discoverPackages();
const byName = new Map(packages.map((p) => [p.name, p]));
const tempDirs = [];
const started = performance.now();
if (!keep) {
  // Also on Ctrl-C (the registry module turns SIGINT/SIGTERM into an exit).
  process.on('exit', () => {
    for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  });
}

function makeProject(label, registry) {
  const dir = mkdtempSync(join(tmpdir(), `codexus-consumer-${label}-`));
  tempDirs.push(dir);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `consumer-${label}`, version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  writeFileSync(join(dir, '.npmrc'), consumerNpmrc(registry));
  return dir;
}

/** The availability of a package for this run: absent → skip, present but unbuilt → fail. */
function availability(name) {
  const pkg = byName.get(name);
  if (!pkg)
    return { name, state: 'absent', why: `${name} does not exist yet (no packages/*/package.json names it)` };
  const missing = missingBuildOutputs(pkg);
  if (missing.length > 0)
    return { name, state: 'unbuilt', why: `${name} is not built: missing ${missing.join(', ')}` };
  return { name, state: 'ok', pkg };
}

/** `name@version` of `name` and every workspace package it depends on (production). */
function expectedTree(name, extra = []) {
  return [...closure(name, packages), ...extra].map((n) => `${n}@${byName.get(n).version}`).sort();
}

function checkTree(dir, name, extra = [], forbidden = DOMAIN_PACKAGES) {
  const installed = installedPackages(join(dir, 'node_modules'));
  const codexus = codexusPackages(installed);
  sameList(
    codexus,
    expectedTree(name, extra),
    `the codexus packages installed for ${name} are not exactly its layers`,
  );
  const domains = codexus.filter((id) => forbidden.some((d) => id.startsWith(`${d}@`)));
  assert(domains.length === 0, `${name} brought in domain packages: ${domains.join(', ')}`);
  const codex = installed.filter((p) => p.name === '@openai/codex' || p.name.startsWith('@openai/codex-'));
  assert(
    codex.length === 0,
    `@openai/codex got installed (${codex[0]?.version}): it must stay an optional peer`,
  );
  const thirdParty = installed.filter((p) => !p.name.startsWith('@codexus/') && p.name !== 'codexus');
  return { codexus, thirdParty };
}

async function resolveWorkspaceCodexBin() {
  const core = byName.get('@codexus/core');
  assert(
    core && missingBuildOutputs(core).length === 0,
    '@codexus/core must be built to resolve the codex binary',
  );
  const { resolveCodexBin } = await import(pathToFileURL(join(core.dir, 'dist', 'index.js')).href);
  return resolveCodexBin({ searchFrom: [join(ROOT, 'package.json')] }).path;
}

async function main() {
  console.log(
    `consumer test: ${packages.length} publishable packages: ${packages.map((p) => p.name).join(', ')}`,
  );
  const unbuilt = packages.filter((p) => missingBuildOutputs(p).length > 0);
  for (const p of unbuilt)
    console.log(`   note: ${p.name} is not built (${missingBuildOutputs(p).join(', ')}); not published`);

  let codexBin;
  await step('resolve the workspace codex binary (@codexus/core resolveCodexBin)', async () => {
    codexBin = await resolveWorkspaceCodexBin();
    return codexBin;
  });
  const typesNode = readJson(join(ROOT, 'package.json')).devDependencies?.['@types/node'] ?? '20';
  const runEnv = consumerEnv({ CODEXUS_CODEX_BIN: codexBin ?? '' });

  let registry;
  const ok = await step('start the local registry (Verdaccio, no uplinks)', async () => {
    registry = await startRegistry();
    await assertNoUplink(registry);
    return `${registry.url} (valibot → 404: nothing proxied)`;
  });
  if (!ok) return;
  try {
    let published = [];
    const didPublish = await step('publish the workspace: pnpm publish -r', async () => {
      const r = await publishWorkspace(registry, packages);
      published = r.published;
      const skipped = r.skipped.length
        ? `; not built, left out: ${r.skipped.map((p) => p.name).join(', ')}`
        : '';
      return `${published.map((p) => `${p.name}@${p.version}`).join(', ')} (${seconds(r.ms)}, workspace: ranges replaced)${skipped}`;
    });
    if (!didPublish) return;

    await quickScenario(registry, typesNode, runEnv);
    await runtimeScenario(registry, typesNode, runEnv);
    await protocolScenario(registry, typesNode);
    await umbrellaScenario(registry);

    await step('the registry made no outbound request', async () => {
      const lines = outboundLines(registry);
      assert(lines.length === 0, `outbound requests in the Verdaccio log:\n${lines.join('\n')}`);
      return 'no non-loopback URL in the Verdaccio log';
    });
  } finally {
    await registry.stop();
    console.log('\n   registry stopped');
  }
  // The installed projects need no registry any more: type-check them all at once.
  await runDeferred();
}

/** `npm install` / `pnpm add` of exact `specs` in `dir`, bounded. */
function add(client, dir, specs, { dev = false } = {}) {
  const verb = client === 'npm' ? 'install' : 'add';
  return run(client, [verb, ...(dev ? ['-D'] : []), '--save-exact', ...specs], {
    cwd: dir,
    env: consumerEnv(),
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
}

/**
 * Step: a fresh project installs the package alone with `client`; its codexus tree must be exactly
 * the package's layers. `extraCheck(tree)` may assert more and return a note. Resolves the project
 * directory, or undefined when the step failed.
 */
async function installAlone(
  registry,
  client,
  avail,
  { forbidden, extraCheck = () => '', how = 'alone' } = {},
) {
  let dir;
  const verb = client === 'npm' ? 'npm install' : 'pnpm add';
  const ok = await step(`${verb} ${avail.name}@${avail.pkg?.version ?? '?'} (${how})`, async () => {
    assert(avail.state === 'ok', avail.why);
    dir = makeProject(`${client}-${avail.pkg.unscoped}`, registry);
    const r = await add(client, dir, [installSpec(registry, avail.pkg)]);
    const tree = checkTree(dir, avail.name, [], forbidden);
    const note = await extraCheck(tree, dir);
    return `${seconds(r.ms)}; codexus: ${tree.codexus.join(', ')}; third-party: ${tree.thirdParty.length} packages${note}`;
  });
  return ok ? dir : undefined;
}

/** Step: the testkit (and @types/node for the type check) as devDependencies, the tree otherwise unchanged. */
function addDevTools(client, dir, name, typesNode) {
  const testkit = availability('@codexus/testkit');
  return step(
    `${client === 'npm' ? 'npm install -D' : 'pnpm add -D'} @codexus/testkit (separately)`,
    async () => {
      assert(testkit.state === 'ok', testkit.why);
      const r = await add(client, dir, [`@codexus/testkit@${testkit.pkg.version}`], { dev: true });
      checkTree(dir, name, ['@codexus/testkit']);
      await add(client, dir, [`@types/node@${typesNode}`], { dev: true });
      return `${seconds(r.ms)}; tree = ${name}'s layers + testkit (+ @types/node for the type check)`;
    },
  );
}

async function quickScenario(registry, typesNode, runEnv) {
  const quick = availability('@codexus/quick');
  if (quick.state === 'absent') return skip('npm install @codexus/quick', quick.why);
  const dir = await installAlone(registry, 'npm', quick, {
    how: 'only',
    extraCheck: async (_tree, projectDir) => {
      // npm's own view: no missing, extraneous or invalid dependency in the tree.
      await run('npm', ['ls', '--all'], { cwd: projectDir, env: consumerEnv(), timeoutMs: 60_000 });
      return '; npm ls clean; no web/artifact/automation, no @openai/codex';
    },
  });
  if (!dir) return;
  if (!(await addDevTools('npm', dir, quick.name, typesNode))) return;
  await step('quickRun against the real codex + scripted model', async () => {
    const out = await runScript(dir, 'quick-run.mjs', quickScript, runEnv);
    assertResolvedInside(dir, out.resolved, quick.name);
    assert(out.status === 'completed', `status ${out.status}`);
    assert(out.text === QUICK_TEXT, `text ${JSON.stringify(out.text)} !== ${JSON.stringify(QUICK_TEXT)}`);
    assert(out.modelRequests === 1, `the scripted model got ${out.modelRequests} requests, expected 1`);
    return `text "${out.text}"`;
  });
  await step('without any codex binary: BINARY_NOT_FOUND says how to install it', async () => {
    const emptyPath = mkdtempSync(join(tmpdir(), 'codexus-empty-path-'));
    tempDirs.push(emptyPath);
    const env = consumerEnv({ PATH: emptyPath });
    delete env.CODEXUS_CODEX_BIN;
    const out = await runScript(dir, 'missing-binary.mjs', missingBinaryScript, env);
    assert(out.code === 'BINARY_NOT_FOUND', `expected code BINARY_NOT_FOUND, got ${JSON.stringify(out)}`);
    assert(
      /npm install @openai\/codex/.test(out.message),
      `the message does not say how to install codex: ${out.message}`,
    );
    return `${out.name} (kind ${out.kind}) code ${out.code}, message names \`npm install @openai/codex\``;
  });
  later('type-check a consumer of @codexus/quick (node16, bundler)', () => typecheck(dir, 'quick'));
}

async function runtimeScenario(registry, typesNode, runEnv) {
  const runtime = availability('@codexus/runtime');
  if (runtime.state === 'absent') return skip('pnpm add @codexus/runtime', runtime.why);
  const dir = await installAlone(registry, 'pnpm', runtime);
  if (!dir || !(await addDevTools('pnpm', dir, runtime.name, typesNode))) return;
  await step('Session ask + AppServer typed request against the real codex', async () => {
    const out = await runScript(dir, 'runtime-run.mjs', runtimeScript, runEnv);
    assertResolvedInside(dir, out.resolved, runtime.name);
    assert(out.ask.status === 'completed', `ask status ${out.ask.status}`);
    assert(out.ask.text === RUNTIME_TEXT, `ask text ${JSON.stringify(out.ask.text)}`);
    assert(out.typed.modelProvider === 'codexus-scripted', `modelProvider ${out.typed.modelProvider}`);
    assert(out.typed.threadId === 'string', 'thread/start returned no thread id');
    assert(out.typed.invalidParams, 'invalid thread/read params were not refused with VALIDATION_FAILED');
    return `ask "${out.ask.text}"; thread/start → ${out.typed.modelProvider}; bad params → VALIDATION_FAILED`;
  });
  later('type-check a consumer of @codexus/runtime (node16, bundler)', () => typecheck(dir, 'runtime'));
}

async function protocolScenario(registry, typesNode) {
  const protocol = availability('@codexus/protocol');
  if (protocol.state === 'absent') return skip('pnpm add @codexus/protocol', protocol.why);
  const dir = await installAlone(registry, 'pnpm', protocol, {
    extraCheck: (tree) => {
      const runtimeCode = tree.codexus.filter((id) => /^@codexus\/(runtime|plugin|quick)@/.test(id));
      assert(runtimeCode.length === 0, `runtime code installed with the protocol: ${runtimeCode.join(', ')}`);
      return '; no runtime/plugin/quick';
    },
  });
  if (!dir) return;
  await step('protocol inventory from the installed package', async () => {
    const out = await runScript(dir, 'protocol-run.mjs', protocolScript, consumerEnv());
    assertResolvedInside(dir, out.resolved, protocol.name);
    const ws = await import(pathToFileURL(join(protocol.pkg.dir, 'dist', 'index.js')).href);
    const expected = ws.inventory();
    assert(
      JSON.stringify(out.counts) === JSON.stringify(expected.counts),
      `inventory counts differ from the workspace build:\n${JSON.stringify(out.counts)}\n${JSON.stringify(expected.counts)}`,
    );
    assert(out.methods === expected.methods.length && out.methods > 0, `methods ${out.methods}`);
    assert(out.threadStart === 'clientRequest', `thread/start group ${out.threadStart}`);
    const c = out.counts;
    return `codex ${out.codexVersion}: ${out.methods} methods (client requests ${c.clientRequests.total}, server requests ${c.serverRequests.total}, server notifications ${c.serverNotifications.total}, client notifications ${c.clientNotifications.total})`;
  });
  await add('pnpm', dir, [`@types/node@${typesNode}`], { dev: true });
  later('type-check a consumer of @codexus/protocol (node16, bundler)', () => typecheck(dir, 'protocol'));
}

/** The unscoped umbrella: npm cannot map one unscoped name to a registry, so it is installed by URL. */
async function umbrellaScenario(registry) {
  const umbrella = availability('codexus');
  if (umbrella.state === 'absent') return skip('npm install codexus (umbrella)', umbrella.why);
  // The umbrella brings every layer it re-exports (automation included): exact tree, nothing forbidden.
  const dir = await installAlone(registry, 'npm', umbrella, {
    how: 'umbrella, by tarball URL',
    forbidden: [],
  });
  if (!dir) return;
  await step('import the umbrella', async () => {
    const source = `import * as codexus from 'codexus';
console.log('${RESULT_PREFIX}' + JSON.stringify({
  resolved: import.meta.resolve('codexus'),
  quickRun: typeof codexus.quickRun,
  client: typeof codexus.runtime?.Client,
  inventory: typeof codexus.protocol?.inventory,
}));
`;
    const out = await runScript(dir, 'umbrella.mjs', source, consumerEnv());
    assertResolvedInside(dir, out.resolved, 'codexus');
    assert(
      out.quickRun === 'function' && out.client === 'function' && out.inventory === 'function',
      JSON.stringify(out),
    );
    return 'quickRun, runtime.Client, protocol.inventory are functions';
  });
}

try {
  await main();
} catch (error) {
  recordFailure('consumer test', error);
  console.error(error);
} finally {
  if (keep) console.log(`\nkept: ${tempDirs.join(' ')}`);
  else for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
}

process.exit(summarize('consumer test', started));
