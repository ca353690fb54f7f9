// `changeset version` on a throwaway copy of the workspace manifests: the repository is never touched.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from './exec.mjs';
import { ROOT, readJson } from './workspace.mjs';

/** Workspace package directories (relative) from pnpm-workspace.yaml: `dir/*` globs and plain dirs. */
export function workspaceDirs() {
  const yaml = readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const block = /^packages:\n((?:[ \t]+-.*\n?)+)/m.exec(yaml)?.[1] ?? '';
  const globs = [...block.matchAll(/-\s*['"]?([^'"\n]+?)['"]?\s*$/gm)].map((m) => m[1]);
  const dirs = [];
  for (const glob of globs) {
    if (glob.startsWith('!')) continue;
    if (glob.endsWith('/*')) {
      const base = glob.slice(0, -2);
      if (!existsSync(join(ROOT, base))) continue;
      for (const d of readdirSync(join(ROOT, base)).sort()) {
        if (existsSync(join(ROOT, base, d, 'package.json'))) dirs.push(`${base}/${d}`);
      }
    } else if (existsSync(join(ROOT, glob, 'package.json'))) dirs.push(glob);
  }
  return dirs;
}

function changesetBin() {
  const manifest = createRequire(join(ROOT, 'package.json')).resolve('@changesets/cli/package.json');
  return join(dirname(manifest), readJson(manifest).bin.changeset);
}

/** The pending changeset files of the repository (`.changeset/*.md` except README.md). */
export function pendingChangesets() {
  const dir = join(ROOT, '.changeset');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md')
    .sort();
}

export function changesetText(releases, summary) {
  const lines = Object.entries(releases).map(([name, bump]) => `'${name}': ${bump}`);
  return `---\n${lines.join('\n')}\n---\n\n${summary}\n`;
}

/**
 * Copies the root manifest, pnpm-workspace.yaml, the changeset config, every workspace package.json
 * (and CHANGELOG.md), optionally the pending changesets, adds `extra` changesets
 * (`{ releases: { name: bump }, summary }`), applies `config` over the changeset config, runs `changeset version` and returns every version
 * change: `{ bumps: [{ name, from, to, private, dir }], changelogs: { name: newEntry }, ms }`.
 */
export async function dryVersion({ includePending = true, extra = [], config = {} } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'codexus-release-dry-'));
  try {
    for (const f of ['package.json', 'pnpm-workspace.yaml']) copyFileSync(join(ROOT, f), join(tmp, f));
    mkdirSync(join(tmp, '.changeset'));
    const baseConfig = readJson(join(ROOT, '.changeset', 'config.json'));
    writeFileSync(
      join(tmp, '.changeset', 'config.json'),
      JSON.stringify({ ...baseConfig, ...config }, null, 2),
    );
    if (includePending) {
      for (const f of pendingChangesets())
        copyFileSync(join(ROOT, '.changeset', f), join(tmp, '.changeset', f));
    }
    extra.forEach((c, i) => {
      writeFileSync(
        join(tmp, '.changeset', `release-dry-test-${i + 1}.md`),
        changesetText(c.releases, c.summary),
      );
    });
    const before = new Map();
    for (const dir of workspaceDirs()) {
      mkdirSync(join(tmp, dir), { recursive: true });
      copyFileSync(join(ROOT, dir, 'package.json'), join(tmp, dir, 'package.json'));
      if (existsSync(join(ROOT, dir, 'CHANGELOG.md'))) {
        copyFileSync(join(ROOT, dir, 'CHANGELOG.md'), join(tmp, dir, 'CHANGELOG.md'));
      }
      before.set(dir, readJson(join(ROOT, dir, 'package.json')));
    }
    const { ms } = await run(process.execPath, [changesetBin(), 'version'], {
      cwd: tmp,
      timeoutMs: 120_000,
      env: { ...process.env, CI: 'true' },
    });
    const bumps = [];
    const changelogs = {};
    for (const [dir, old] of before) {
      const next = readJson(join(tmp, dir, 'package.json'));
      if (next.version === old.version) continue;
      bumps.push({ name: old.name, from: old.version, to: next.version, private: old.private === true, dir });
      const log = join(tmp, dir, 'CHANGELOG.md');
      if (existsSync(log)) changelogs[old.name] = newestEntry(readFileSync(log, 'utf8'));
    }
    bumps.sort((a, b) => a.name.localeCompare(b.name));
    const left = readdirSync(join(tmp, '.changeset')).filter((f) => f.endsWith('.md'));
    return { bumps, changelogs, ms, consumed: left.length === 0 };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function newestEntry(changelog) {
  const sections = changelog.split(/^## /m);
  return sections[1] ? `## ${sections[1].trim()}` : '';
}

/** `0.1.0 → 0.1.1` is a patch, `→ 0.2.0` a minor, `→ 1.0.0` a major. */
export function bumpType(from, to) {
  const [a, b] = [from, to].map((v) => v.split(/[.-]/).map(Number));
  if (b[0] !== a[0]) return 'major';
  if (b[1] !== a[1]) return 'minor';
  return 'patch';
}
