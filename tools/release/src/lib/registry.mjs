// A throwaway Verdaccio on 127.0.0.1: random free port, storage in a temp dir, NO uplinks (nothing is
// ever fetched from or sent to the internet), the codexus names publishable without users. Publishing
// goes through the real path: `pnpm publish -r` from the workspace root, which packs every package and
// replaces its `workspace:` ranges with real ones.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killGroup, run } from './exec.mjs';
import { missingBuildOutputs, ROOT, toolBin } from './workspace.mjs';

const HOST = '127.0.0.1';
/** A token the npm clients send so that they agree to publish; Verdaccio treats it as anonymous. */
const DUMMY_TOKEN = 'codexus-local-registry-no-auth';

function verdaccioConfig(dir) {
  // Every codexus name is publishable by anyone (there are no users); everything else is unknown
  // here, and with no `proxy` nothing is ever looked up elsewhere.
  const rule = ['    access: $all', '    publish: $all', '    unpublish: $all'].join('\n');
  return [
    `storage: ${join(dir, 'storage')}`,
    'auth:',
    '  htpasswd:',
    `    file: ${join(dir, 'htpasswd')}`,
    '    max_users: -1',
    'uplinks: {}',
    'packages:',
    "  '@codexus/*':",
    rule,
    "  'codexus':",
    rule,
    "  '**':",
    '    access: $all',
    'web:',
    '  enable: false',
    'server:',
    '  keepAliveTimeout: 2',
    'log: { type: stdout, format: pretty, level: http }',
    '',
  ].join('\n');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Running registries: pid → storage dir. */
const live = new Map();
let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  // Last resort: the registry never outlives this process, whatever path it ends on.
  process.on('exit', () => {
    for (const [pid, dir] of live) {
      killGroup(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));
}

/**
 * Starts the registry; resolves once `/-/ping` answers (bounded). `stop()` ends it (SIGTERM, then
 * SIGKILL after 5 s) and removes its storage.
 */
export async function startRegistry({ startTimeoutMs = 30_000 } = {}) {
  hookExit();
  const dir = mkdtempSync(join(tmpdir(), 'codexus-registry-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, verdaccioConfig(dir));
  const logPath = join(dir, 'verdaccio.log');
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const url = `http://${HOST}:${port}/`;
    const log = openSync(logPath, 'a');
    const child = spawn(
      process.execPath,
      ['--no-warnings', toolBin('verdaccio'), '--config', configPath, '--listen', `${HOST}:${port}`],
      {
        cwd: dir,
        stdio: ['ignore', log, log],
        detached: true,
      },
    );
    live.set(child.pid, dir);
    let exited = false;
    child.on('exit', () => {
      exited = true;
      live.delete(child.pid);
    });
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline && !exited) {
      if (await ping(url)) {
        const npmrc = join(dir, 'publish.npmrc');
        writeFileSync(npmrc, `registry=${url}\n${authLine(url)}\n`);
        const stop = async () => {
          if (!exited) {
            killGroup(child.pid, 'SIGTERM');
            const gone = await waitFor(() => exited, 5000);
            if (!gone) killGroup(child.pid, 'SIGKILL');
            await waitFor(() => exited, 2000);
          }
          live.delete(child.pid);
          rmSync(dir, { recursive: true, force: true });
        };
        return { url, port, dir, logPath, publishNpmrc: npmrc, stop, authLine: authLine(url) };
      }
      await sleep(100);
    }
    killGroup(child.pid, 'SIGKILL');
    lastError = exited ? 'verdaccio exited during start' : `no answer within ${startTimeoutMs} ms`;
  }
  const tail = safeRead(logPath).split('\n').slice(-20).join('\n');
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`local registry did not start: ${lastError}\n${tail}`);
}

function authLine(url) {
  return `${url.replace(/^http:/, '')}:_authToken=${DUMMY_TOKEN}`;
}

async function ping(url) {
  try {
    const res = await fetch(`${url}-/ping`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** GET a registry document; resolves `{ status, body }` (body parsed when JSON). Bounded to 10 s. */
export async function registryGet(registry, path) {
  const res = await fetch(new URL(path, registry.url), { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

/**
 * Proves the registry is closed to the outside: a well-known public package is unknown here
 * (with an uplink Verdaccio would have fetched it from npmjs).
 */
export async function assertNoUplink(registry) {
  const probe = await registryGet(registry, 'valibot');
  if (probe.status !== 404) {
    throw new Error(`the local registry served "valibot" (status ${probe.status}): it must have no uplinks`);
  }
}

/**
 * `pnpm publish -r` from the workspace root to the local registry. Packages whose build output is
 * missing are left out (and returned in `skipped`); a package that sets `publishConfig.registry`
 * stops everything (it would publish elsewhere).
 */
export async function publishWorkspace(registry, packages) {
  for (const p of packages) {
    if (p.manifest.publishConfig?.registry) {
      throw new Error(`${p.name} sets publishConfig.registry: refusing to publish`);
    }
  }
  const skipped = packages.filter((p) => missingBuildOutputs(p).length > 0);
  const filters = skipped.flatMap((p) => ['--filter', `!${p.name}`]);
  const env = {
    ...process.env,
    NPM_CONFIG_USERCONFIG: registry.publishNpmrc, // only the local registry and its dummy token
    npm_config_registry: registry.url,
    NPM_CONFIG_PROVENANCE: 'false',
  };
  const result = await run(
    'pnpm',
    ['publish', '-r', '--registry', registry.url, '--no-git-checks', '--access', 'public', ...filters],
    { cwd: ROOT, env, timeoutMs: 300_000 },
  );
  const published = [];
  for (const p of packages) {
    if (skipped.includes(p)) continue;
    const doc = await registryGet(registry, encodeName(p.name));
    const meta = doc.body?.versions?.[p.version];
    if (doc.status !== 200 || !meta) throw new Error(`${p.name}@${p.version} is not in the local registry`);
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [dep, range] of Object.entries(meta[field] ?? {})) {
        if (String(range).startsWith('workspace:')) {
          throw new Error(`${p.name}@${p.version} was published with ${field}.${dep} = ${range}`);
        }
      }
    }
    published.push({ name: p.name, version: p.version, dependencies: meta.dependencies ?? {} });
  }
  return { published, skipped, ms: result.ms, output: result.stdout + result.stderr };
}

export function encodeName(name) {
  return name.replace('/', '%2f');
}

/**
 * The .npmrc of a consumer project: only the codexus scope points at the local registry; every
 * third-party package comes from the user's normal registry.
 */
export function consumerNpmrc(registry) {
  return `@codexus:registry=${registry.url}\n${registry.authLine}\n`;
}

/** The tarball URL of an unscoped package in the local registry (npm cannot map one name by .npmrc). */
export function tarballUrl(registry, name, version) {
  return new URL(`${name}/-/${name}-${version}.tgz`, registry.url).href;
}

/**
 * What to pass to `npm install` for a workspace package: `@codexus/x@1.2.3` (the scope maps to the
 * local registry) or, for an unscoped name, its local tarball URL, so that the public registry is
 * never asked for it.
 */
export function installSpec(registry, pkg) {
  return pkg.name.startsWith('@codexus/')
    ? `${pkg.name}@${pkg.version}`
    : tarballUrl(registry, pkg.name, pkg.version);
}

/** Lines of the registry log that mention a request to anything but the registry itself. */
export function outboundLines(registry) {
  return safeRead(registry.logPath)
    .split('\n')
    .filter((l) => /https?:\/\/(?!127\.0\.0\.1)/.test(l));
}

function safeRead(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(cond, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await sleep(50);
  }
  return cond();
}
