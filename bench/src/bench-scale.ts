import { Client, type Session } from '@codexus/runtime';
import { message } from '@codexus/testkit';
import { type BenchContext, reps } from './context.js';
import { cpuOf, cpuRows } from './cpu.js';
import { expectText, hermetic } from './hermetic.js';
import type { Row } from './report.js';
import { p95, timed } from './stats.js';

/** Each session runs `turns` turns one after another; all sessions at once. Latencies in ms. */
export async function runSessions(
  sessions: readonly Session[],
  turns: number,
  beforeTurn: () => void,
): Promise<{ wallMs: number; latencies: number[] }> {
  const latencies: number[] = [];
  const wallMs = await timed(() =>
    Promise.all(
      sessions.map(async (session) => {
        for (let i = 0; i < turns; i++) {
          beforeTurn();
          latencies.push(await timed(async () => expectText((await session.ask('hi')).text, 'ok', 'ask')));
        }
      }),
    ),
  );
  return { wallMs, latencies };
}

/**
 * 6. Scale: 32 sessions on one Client (one codex) running turns concurrently, vs 1 session on
 * another Client of the same kind. All turns must complete; reports turns/s and p95 latency.
 */
export async function scale(ctx: BenchContext): Promise<Row[]> {
  const many = 32;
  const turnsEach = reps(ctx, 10, 2);
  const turnsOne = reps(ctx, 40, 5);
  const h = await hermetic({
    connect: (home) => Client.connect({ codexHome: home.path, env: home.env, codexBin: ctx.codexBin }),
  });
  try {
    const enqueue = (): void => h.model.enqueue(message('ok'));
    const one = await h.client.startSession({ cwd: h.workspace.path });
    await runSessions([one], 3, enqueue); // warm-up
    ctx.log(`scale: 1 session × ${turnsOne} turns, then ${many} sessions × ${turnsEach} turns`);
    const singleRun = await cpuOf(() => runSessions([one], turnsOne, enqueue));
    const single = singleRun.value;
    const sessions = await Promise.all(
      Array.from({ length: many }, () => h.client.startSession({ cwd: h.workspace.path })),
    );
    const multiRun = await cpuOf(() => runSessions(sessions, turnsEach, enqueue));
    const multi = multiRun.value;
    /** CPU per turn, not per call: each run covered all its turns. */
    const perTurn = ({ selfMs, codexMs, value }: typeof singleRun) => ({
      calls: value.latencies.length,
      selfMs,
      codexMs,
    });
    const completed = multi.latencies.length;
    if (completed !== many * turnsEach)
      throw new Error(`only ${completed} of ${many * turnsEach} turns completed`);
    const rate = (r: { wallMs: number; latencies: number[] }): number =>
      r.latencies.length / (r.wallMs / 1000);
    const detail = { sessions: many, turnsEach, turnsOne, completed, metrics: h.client.metrics().turns };
    return [
      {
        bench: 'scale',
        what: `${many} sessions × ${turnsEach} turns: throughput`,
        value: rate(multi),
        unit: 'turns/s',
        baseline: { name: '1 session', value: rate(single) },
        ratio: rate(multi) / rate(single),
        detail,
      },
      {
        bench: 'scale',
        what: `${many} sessions: p95 turn latency`,
        value: p95(multi.latencies),
        unit: 'ms',
        baseline: { name: '1 session', value: p95(single.latencies) },
        ratio: p95(multi.latencies) / p95(single.latencies),
      },
      ...cpuRows(
        'scale',
        { name: `${many} sessions`, totals: perTurn(multiRun) },
        { name: '1 session', totals: perTurn(singleRun) },
      ),
    ];
  } finally {
    await h.close();
  }
}
