// What the consumer test does inside one consumer project: its environment, running a script that
// prints one result line, checking where a package resolved, and type-checking a consumer source.

import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consumerTsconfigs, RESULT_PREFIX, typecheckSources } from './consumer-fixtures.mjs';
import { run } from './exec.mjs';
import { seconds } from './report.mjs';
import { assert } from './steps.mjs';
import { ROOT } from './workspace.mjs';

const RUN_TIMEOUT_MS = 120_000;

/** Environment of the consumer commands: no settings inherited from a surrounding `pnpm run`. */
export function consumerEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle|config_user_agent|config_node_gyp|execpath|command)/i.test(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  };
}

export async function runScript(dir, file, source, env) {
  writeFileSync(join(dir, file), source);
  const { stdout, stderr } = await run(process.execPath, [file], {
    cwd: dir,
    env,
    timeoutMs: RUN_TIMEOUT_MS,
  });
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_PREFIX));
  assert(line, `${file} printed no result line\n${stdout}\n${stderr}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length));
}

export function assertResolvedInside(dir, resolved, name) {
  assert(
    resolved.startsWith(pathToFileURL(dir).href) && !resolved.startsWith(pathToFileURL(ROOT).href),
    `${name} resolved to ${resolved}, not into the consumer project ${dir}`,
  );
}

const tsc = join(
  createRequire(join(ROOT, 'package.json')).resolve('typescript/package.json'),
  '..',
  'bin',
  'tsc',
);

export async function typecheck(dir, label) {
  const file = `consumer-${label}.ts`;
  writeFileSync(join(dir, file), typecheckSources[label]);
  const variants = Object.entries(consumerTsconfigs(file));
  const done = await Promise.all(
    variants.map(async ([variant, config]) => {
      const configFile = `tsconfig.${variant}.json`;
      writeFileSync(join(dir, configFile), `${JSON.stringify(config, null, 2)}\n`);
      const r = await run(process.execPath, [tsc, '-p', configFile, '--pretty', 'false'], {
        cwd: dir,
        timeoutMs: RUN_TIMEOUT_MS,
        allowFail: true,
      });
      assert(r.code === 0, `tsc (${variant}) failed on ${file}:\n${(r.stdout + r.stderr).trim()}`);
      return `${variant} ${seconds(r.ms)}`;
    }),
  );
  return `type-checked ${file} (strict, verbatimModuleSyntax, skipLibCheck false): ${done.join(', ')}`;
}
