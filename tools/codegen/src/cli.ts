#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { consoleOutput, runCheck, runDiff, runGenerate, runHistory, runSnapshot } from './commands.js';
import { findRepoRoot } from './paths.js';

const USAGE = `codexus-codegen <command> [options]

Commands:
  generate                 vendored snapshot -> packages/protocol/src/generated
  check                    regenerate in memory; exit 1 with a diff if the checked-in output differs
  snapshot --codex <bin>   run <bin> to refresh the vendored snapshot; print the drift report
  history --codex <bin>    record <bin>'s method list under schema/history/<version>.json (an older
                           version of the supported range), for the per-method version presence
  diff --codex <bin>       print the drift report only (any codex version; what the policy does not
                           cover is reported as notes); exit 0 = no drift, 1 = drift, 2 = error

Options:
  --root <dir>   repository root (default: nearest pnpm-workspace.yaml above the working directory)
  --codex <bin>  codex binary or its node wrapper (node_modules/@openai/codex/bin/codex.js)
  --from <bin>   diff: compare against this binary instead of the vendored snapshot
  --json         diff: print the report as JSON
  --help`;

export function main(argv: readonly string[]): number {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      root: { type: 'string' },
      codex: { type: 'string' },
      from: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || command === undefined) {
    consoleOutput.out(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const root = values.root ?? findRepoRoot();
  switch (command) {
    case 'generate':
      return runGenerate(root);
    case 'check':
      return runCheck(root);
    case 'snapshot':
    case 'history':
    case 'diff': {
      if (!values.codex) {
        consoleOutput.err(`${command} needs --codex <bin>\n\n${USAGE}`);
        return 2;
      }
      if (command === 'snapshot') return runSnapshot(root, values.codex);
      if (command === 'history') return runHistory(root, values.codex);
      return runDiff(root, values.codex, consoleOutput, { from: values.from, json: values.json });
    }
    default:
      consoleOutput.err(`unknown command ${command}\n\n${USAGE}`);
      return 2;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`codexus-codegen: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
