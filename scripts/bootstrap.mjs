#!/usr/bin/env node
// Entry point of the README's two commands (`npm run demo`, `npm test`).
// Needs only Node >= 20: it installs the pinned pnpm into .tools/ when none is on PATH,
// installs the workspace (including the pinned @openai/codex binary), builds, then runs the job.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const job = process.argv[2];
const extra = process.argv.slice(3);
const jobs = {
  demo: [
    ['run', 'build'],
    ['--filter', '@codexus/examples', 'run', 'demo', ...extra],
  ],
  test: [['run', 'check']],
};
if (!jobs[job]) {
  console.error(`usage: node scripts/bootstrap.mjs ${Object.keys(jobs).join('|')}`);
  process.exit(2);
}

function pnpmVersion(env) {
  try {
    return execFileSync('pnpm', ['--version'], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
if (pnpmVersion(env) !== pinned) {
  const prefix = join(root, '.tools', 'pnpm');
  const bin = join(prefix, 'node_modules', '.bin');
  env.PATH = `${bin}${delimiter}${env.PATH ?? ''}`;
  if (!existsSync(join(bin, 'pnpm')) || pnpmVersion(env) !== pinned) {
    console.log(`> installing pnpm@${pinned} into .tools/pnpm`);
    run('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `pnpm@${pinned}`]);
  }
}

function run(cmd, args) {
  console.log(`> ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run('pnpm', ['install', '--frozen-lockfile']);
for (const args of jobs[job]) run('pnpm', args);
