import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveCodexBin } from '@codexus/core';
import { churn } from './bench-churn.js';
import { coldRun } from './bench-cold-run.js';
import { durable } from './bench-durable.js';
import { memory } from './bench-memory.js';
import { otel } from './bench-otel.js';
import { peer } from './bench-peer.js';
import { pool } from './bench-pool.js';
import { websocket } from './bench-remote.js';
import { scale } from './bench-scale.js';
import { tools } from './bench-tools.js';
import { transport } from './bench-transport.js';
import { warmTurn } from './bench-warm-turn.js';
import type { BenchContext } from './context.js';
import { machine, met, type Row, table, writeJson } from './report.js';

/**
 * `pnpm bench [-- --quick] [-- --only <name>[,<name>...]]`: every benchmark against the real codex
 * and the testkit's scripted model; ratios against baselines measured in the same run. Prints a
 * table and writes bench/results/<timestamp>.json (and latest.json). No figure is asserted.
 */
const BENCHES: Record<string, (ctx: BenchContext) => Promise<Row[]>> = {
  'warm-turn': warmTurn,
  'cold-run': coldRun,
  peer,
  transport,
  memory,
  scale,
  websocket,
  pool,
  churn,
  durable,
  tools,
  otel,
};

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    out: { type: 'string' },
  },
});

const only = values.only?.flatMap((o) => o.split(',')).filter(Boolean);
for (const name of only ?? []) {
  if (!(name in BENCHES))
    throw new Error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
}
const selected = Object.keys(BENCHES).filter((name) => !only || only.includes(name));
const codexBin = resolveCodexBin().path;
const ctx: BenchContext = {
  quick: values.quick,
  codexBin,
  log: (message) => process.stderr.write(`[bench] ${message}\n`),
};
const host = machine(codexBin);
process.stdout.write(
  `machine: ${host.cpus} × ${host.cpuModel}, ${host.memoryGiB} GiB, ${host.platform}, load ${host.loadAverage}\n` +
    `node ${host.node}, ${host.codex}${ctx.quick ? ' (--quick: few repetitions, smoke only)' : ''}\n\n`,
);

const rows: Row[] = [];
const failures: { bench: string; error: string }[] = [];
const startedAt = new Date();
for (const name of selected) {
  const t0 = performance.now();
  try {
    rows.push(...(await BENCHES[name]!(ctx)));
  } catch (error) {
    failures.push({
      bench: name,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    ctx.log(`${name} failed: ${String(error)}`);
  }
  ctx.log(`${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

process.stdout.write(`${table(rows)}\n`);
for (const f of failures) process.stdout.write(`\n${f.bench} FAILED:\n${f.error}\n`);

const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const out = resolve(values.out ?? `results/${stamp}${ctx.quick ? '-quick' : ''}.json`);
const json = {
  startedAt: startedAt.toISOString(),
  quick: ctx.quick,
  machine: host,
  results: rows.map((r) => ({ ...r, met: met(r) })),
  failures,
};
await writeJson(out, json);
if (values.out === undefined) await writeJson(resolve('results/latest.json'), json);
process.stdout.write(`\nresults: ${out}\n`);
if (failures.length > 0) process.exitCode = 1;
