import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { message, type RecordedRequest } from '@codexus/testkit';
import { type BenchContext, reps } from './context.js';
import { codexEnv, hermetic } from './hermetic.js';
import type { Row } from './report.js';

const CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));

interface Sample {
  turn: number;
  rssBytes: number;
  heapUsedBytes: number;
}

/**
 * 5. Memory: many turns on one Session in a child node process run with `--expose-gc` (the model
 * stays here, off the measured heap). Growth = last sample vs the first sample after warm-up
 * (10 % of the turns), RSS and heap, both after forced GCs.
 */
export async function memory(ctx: BenchContext): Promise<Row[]> {
  const turns = reps(ctx, 2_000, 200);
  const every = turns / 20;
  const warmTurn = turns / 10;
  const h = await hermetic();
  try {
    h.model.enqueue(...Array.from({ length: turns }, () => message('ok')));
    // The model records every request and each one carries the whole thread so far: drop them as
    // they come, or this process would hold gigabytes by turn 2 000.
    const requests = h.model.requests as RecordedRequest[];
    const trim = setInterval(() => requests.splice(0), 1_000);
    ctx.log(`memory: ${turns} turns on one session (child process, --expose-gc)`);
    let out: string;
    try {
      out = await runChild(codexEnv(h.home), [
        h.home.path,
        ctx.codexBin,
        h.workspace.path,
        String(turns),
        String(every),
      ]);
    } finally {
      clearInterval(trim);
    }
    const { samples, elapsedMs } = JSON.parse(out) as { samples: Sample[]; elapsedMs: number };
    const warm = samples.find((s) => s.turn >= warmTurn)!;
    const last = samples.at(-1)!;
    const mib = (b: number): number => b / 2 ** 20;
    const growth = (key: 'rssBytes' | 'heapUsedBytes'): number => last[key] / warm[key];
    const detail = { turns, warmTurn: warm.turn, elapsedMs, samples };
    return [
      {
        bench: 'memory',
        what: `heap used after ${turns} turns (MiB)`,
        value: mib(last.heapUsedBytes),
        unit: 'MiB',
        baseline: { name: `after ${warm.turn} turns`, value: mib(warm.heapUsedBytes) },
        ratio: growth('heapUsedBytes'),
        target: { op: '<=', value: 1.1 },
        detail,
      },
      {
        bench: 'memory',
        what: `RSS after ${turns} turns (MiB)`,
        value: mib(last.rssBytes),
        unit: 'MiB',
        baseline: { name: `after ${warm.turn} turns`, value: mib(warm.rssBytes) },
        ratio: growth('rssBytes'),
        target: { op: '<=', value: 1.1 },
      },
    ];
  } finally {
    await h.close();
  }
}

/** Runs the child with `env` (the codex it starts inherits it: the trust store). */
function runChild(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', CHILD, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`memory child exited with code ${code}`)),
    );
  });
}
