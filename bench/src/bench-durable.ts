import { spawn } from '@codexus/automation';
import { DurableAutomation, type DurableWorker, startWorker } from '@codexus/automation-bullmq';
import { findRedisServer, type RedisServer, startRedis } from '@codexus/automation-bullmq/testing';
import { Client } from '@codexus/runtime';
import { delayed, message } from '@codexus/testkit';
import { type BenchContext, reps } from './context.js';
import { hermetic } from './hermetic.js';
import type { Row } from './report.js';
import { median } from './stats.js';

/** The latency runs' cadence: long enough that a turn ends before the next tick (no collapse shifts the grid). */
const EVERY_MS = 300;
/** The throughput runs' cadence: shorter than a turn, so every schedule always has a run due. */
const BUSY_EVERY_MS = 100;
/** Model think time per turn in the throughput run, so spreading over workers shows. */
const MODEL_DELAY_MS = 50;
const WORKERS = 3;
const SESSIONS_EACH = 2;

/**
 * Issue 24: durable automation (BullMQ + Redis) against in-process `spawn`, same turn, same cadence.
 * (1) Per-run latency from the tick being due to the result being in hand (in-process: `onRun`;
 * durable: the finished record in Redis), median; the difference is the dispatch overhead. Durable
 * resumes the thread on every run by default, or keeps the session with `keepSessions`.
 * (2) Throughput of 3 workers × 2 sessions (6 schedules) against 1 worker × 1 session.
 */
export async function durable(ctx: BenchContext): Promise<Row[]> {
  if (findRedisServer() === undefined)
    throw new Error('durable: redis-server not found (apt-get install redis-server)');
  const runs = reps(ctx, 20, 4);
  const h = await hermetic({ connect: (home) => Client.connect({ codexHome: home.path, env: home.env }) });
  const redis = await startRedis();
  try {
    const inProcess = await inProcessLatency(h, runs);
    const dispatched = await durableLatency(h, redis, runs, false);
    const kept = await durableLatency(h, redis, runs, true);
    const window = reps(ctx, 6_000, 2_000);
    const one = await throughput(h, redis, 1, 1, window);
    const many = await throughput(h, redis, WORKERS, SESSIONS_EACH, window);
    const latencyRow = (what: string, value: number): Row => ({
      bench: 'durable',
      what,
      value,
      unit: 'ms',
      baseline: { name: 'in-process spawn', value: inProcess },
      ratio: value / inProcess,
      detail: { runs, everyMs: EVERY_MS, dispatchOverheadMs: value - inProcess },
    });
    return [
      latencyRow('durable run: tick due → result recorded, median', dispatched),
      latencyRow('durable run, keepSessions (no resume): tick due → result recorded, median', kept),
      {
        bench: 'durable',
        what: `durable, ${WORKERS} workers × ${SESSIONS_EACH} sessions: throughput`,
        value: many,
        unit: 'runs/s',
        baseline: { name: '1 worker × 1 session', value: one },
        ratio: many / one,
        detail: { windowMs: window, everyMs: BUSY_EVERY_MS, modelDelayMs: MODEL_DELAY_MS },
      },
    ];
  } finally {
    await redis[Symbol.asyncDispose]();
    await h.close();
  }
}

type Harness = Awaited<ReturnType<typeof hermetic<Client>>>;

async function inProcessLatency(h: Harness, runs: number): Promise<number> {
  for (let i = 0; i < runs; i++) h.model.enqueue(message('ok'));
  const session = await h.client.startSession({ cwd: h.workspace.path });
  const startAt = new Date(Date.now() + 50);
  const latencies: number[] = [];
  let k = 0;
  const runner = spawn(session, {
    prompt: 'tick',
    everyMs: EVERY_MS,
    startAt,
    maxRuns: runs,
    onRun: () => {
      latencies.push(Date.now() - (startAt.getTime() + k++ * EVERY_MS));
    },
  });
  const final = await runner.done;
  await session.close();
  if (final.state !== 'completed')
    throw new Error(`in-process runner ended ${final.state}: ${String(final.lastError)}`);
  return median(latencies);
}

async function durableLatency(
  h: Harness,
  redis: RedisServer,
  runs: number,
  keepSessions: boolean,
): Promise<number> {
  for (let i = 0; i < runs; i++) h.model.enqueue(message('ok'));
  const name = `bench-latency-${keepSessions ? 'kept' : 'resumed'}`;
  const automation = new DurableAutomation({ connection: redis.connection, name });
  const worker = await startWorker({ connection: redis.connection, name, client: h.client, keepSessions });
  try {
    await automation.defineSchedule({
      id: 'latency',
      every: EVERY_MS,
      prompt: 'tick',
      session: { cwd: h.workspace.path },
      maxRuns: runs,
    });
    await waitFinal(automation, 'latency', 60_000);
    const records = (await automation.getRuns('latency', { limit: runs * 4 })).filter(
      (r) => r.outcome === 'ran',
    );
    if (records.length !== runs) throw new Error(`durable latency: ${records.length} runs, expected ${runs}`);
    return median(records.map((r) => (r.finishedAt ?? 0) - r.tickAt));
  } finally {
    await worker.close();
    await automation.close();
  }
}

/** Runs finished per second over `windowMs`, `workers` workers (one codex each) × `sessions` schedules each. */
async function throughput(
  h: Harness,
  redis: RedisServer,
  workers: number,
  sessions: number,
  windowMs: number,
) {
  const name = `bench-throughput-${workers}x${sessions}`;
  const turns = Math.ceil((windowMs / MODEL_DELAY_MS) * workers * sessions) + 50;
  for (let i = 0; i < turns; i++) h.model.enqueue(delayed(MODEL_DELAY_MS, message('ok')));
  const automation = new DurableAutomation({ connection: redis.connection, name });
  const clients = await Promise.all(
    Array.from({ length: workers }, () => Client.connect({ codexHome: h.home.path, env: h.home.env })),
  );
  const started: DurableWorker[] = [];
  try {
    for (const client of clients) {
      started.push(await startWorker({ connection: redis.connection, name, client, concurrency: sessions }));
    }
    const ids = Array.from({ length: workers * sessions }, (_, i) => `s${i}`);
    for (const id of ids) {
      await automation.defineSchedule({
        id,
        every: BUSY_EVERY_MS,
        prompt: 'go',
        session: { cwd: h.workspace.path },
      });
    }
    const count = async () => (await automation.listSchedules()).reduce((sum, s) => sum + s.runs, 0);
    await new Promise((r) => setTimeout(r, 1_000)); // warm-up
    const before = await count();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, windowMs));
    const done = (await count()) - before;
    const rate = done / ((performance.now() - t0) / 1000);
    for (const id of ids) await automation.removeSchedule(id);
    return rate;
  } finally {
    await Promise.allSettled(started.map((w) => w.close()));
    await Promise.allSettled(clients.map((c) => c.close()));
    await automation.close();
    h.model.clear();
  }
}

async function waitFinal(automation: DurableAutomation, id: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await automation.getSchedule(id))?.state === 'active') {
    if (Date.now() > deadline) throw new Error(`durable: schedule ${id} not done within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
