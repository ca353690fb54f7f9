#!/usr/bin/env node
// `pnpm release:dry`: what the next release would bump, without touching the repository. Copies the
// changeset config, the pending changesets and every workspace package.json to a temp directory,
// runs `changeset version` there and prints each bump with its changelog entry.
//
//   node tools/release/src/release-dry.mjs                          the pending changesets
//   node tools/release/src/release-dry.mjs --with @codexus/core:patch [--with ...] [--no-pending]
//   node tools/release/src/release-dry.mjs --test                   the release policy test (below)
//
// --test, on the repository's changeset config and manifests (pending changesets left out):
//   1. a patch changeset for @codexus/core bumps core and every publishable package that depends on
//      it, directly or not (and nothing else that is publishable);
//   2. a changeset for one leaf package (@codexus/web once it exists, else another package nothing
//      publishable depends on, e.g. @codexus/artifact) bumps only that package.
import { bumpType, dryVersion, pendingChangesets } from './lib/changesets.mjs';
import { seconds, table } from './lib/report.mjs';
import { dependents, discoverPackages } from './lib/workspace.mjs';

const args = process.argv.slice(2);
const packages = discoverPackages();

function printBumps(bumps, changelogs = {}) {
  if (bumps.length === 0) return console.log('no package would be released');
  console.log(
    table(
      ['package', 'from', 'to', 'bump', 'published'],
      bumps.map((b) => [b.name, b.from, b.to, bumpType(b.from, b.to), b.private ? 'no (private)' : 'yes']),
    ),
  );
  for (const [name, entry] of Object.entries(changelogs)) {
    if (!entry) continue;
    console.log(`\n${name} CHANGELOG.md:\n${entry.replace(/^/gm, '  ')}`);
  }
}

function releases(list) {
  const out = {};
  for (const spec of list) {
    const m = /^(.+):(patch|minor|major)$/.exec(spec);
    if (!m) throw new Error(`--with expects <package>:<patch|minor|major>, got "${spec}"`);
    out[m[1]] = m[2];
  }
  return out;
}

async function preview() {
  const withSpecs = args.flatMap((a, i) => (a === '--with' ? [args[i + 1]] : []));
  const includePending = !args.includes('--no-pending');
  const extra =
    withSpecs.length > 0 ? [{ releases: releases(withSpecs), summary: 'release:dry test changeset' }] : [];
  const pending = includePending ? pendingChangesets() : [];
  console.log(
    `changeset version on a throwaway copy: ${pending.length} pending changesets${extra.length ? ` + test changeset ${withSpecs.join(', ')}` : ''}\n`,
  );
  const { bumps, changelogs, ms } = await dryVersion({ includePending, extra });
  printBumps(bumps, changelogs);
  console.log(`\n(${seconds(ms)}; the repository was not changed)`);
}

const ALWAYS_BUMP_DEPENDENTS = {
  ___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH: { updateInternalDependents: 'always' },
};

/** One policy scenario: the publishable packages bumped must be exactly `expected`. */
async function scenario(title, release, expected, config = {}) {
  const { bumps } = await dryVersion({
    includePending: false,
    config,
    extra: [{ releases: release, summary: `release:dry --test: ${title}` }],
  });
  const published = bumps.filter((b) => !b.private);
  const got = published.map((b) => b.name).sort();
  const want = [...expected].sort();
  const ok = JSON.stringify(got) === JSON.stringify(want);
  console.log(`\n${ok ? 'pass' : 'FAIL'}: ${title}`);
  printBumps(bumps);
  if (!ok) {
    const missing = want.filter((n) => !got.includes(n));
    const extraBumps = got.filter((n) => !want.includes(n));
    if (missing.length) console.log(`  not bumped: ${missing.join(', ')}`);
    if (extraBumps.length) console.log(`  bumped although they should not be: ${extraBumps.join(', ')}`);
  }
  return ok;
}

async function test() {
  const results = [];
  const core = packages.find((p) => p.name === '@codexus/core');
  if (!core) throw new Error('@codexus/core not found');
  const coreDependents = dependents(core.name, packages);
  results.push(
    await scenario(
      `a patch to @codexus/core bumps it and its ${coreDependents.length} dependents`,
      { [core.name]: 'patch' },
      [core.name, ...coreDependents],
    ),
  );
  const leaves = packages.filter((p) => dependents(p.name, packages).length === 0 && p.name !== 'codexus');
  const leaf =
    leaves.find((p) => p.name === '@codexus/web') ??
    leaves.find((p) => p.name === '@codexus/artifact') ??
    leaves[0];
  if (!leaf) throw new Error('no leaf package found');
  const standIn = leaf.name === '@codexus/web' ? '' : ' (standing in for @codexus/web until it exists)';
  results.push(
    await scenario(
      `a minor changeset for ${leaf.name} alone bumps only it${standIn}`,
      { [leaf.name]: 'minor' },
      [leaf.name],
    ),
  );
  const failed = results.filter((ok) => !ok).length;
  if (!results[0]) {
    console.log(
      [
        '',
        'changesets only bumps a dependent when the new version leaves its range; `workspace:^` publishes',
        '`^0.1.0`, which 0.1.1 satisfies, so the dependents are not released. To release them with every',
        'patch of a package they depend on, .changeset/config.json needs:',
        `  ${JSON.stringify(ALWAYS_BUMP_DEPENDENTS)}`,
        'Both scenarios again with that option added to a copy of the config:',
      ].join('\n'),
    );
    const fixed = [
      await scenario(
        '(with the option) core patch',
        { [core.name]: 'patch' },
        [core.name, ...coreDependents],
        ALWAYS_BUMP_DEPENDENTS,
      ),
      await scenario(
        `(with the option) ${leaf.name} alone`,
        { [leaf.name]: 'minor' },
        [leaf.name],
        ALWAYS_BUMP_DEPENDENTS,
      ),
    ];
    console.log(`\nwith the option: ${fixed.filter(Boolean).length}/2 scenarios pass`);
  }
  console.log(`\n${results.length - failed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

if (args.includes('--test')) await test();
else await preview();
