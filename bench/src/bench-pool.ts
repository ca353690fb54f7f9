import { type LaunchedAppServer, launchAppServer } from '@codexus/core';
import { ClientPool } from '@codexus/runtime';
import { delayed, message } from '@codexus/testkit';
import { runSessions } from './bench-scale.js';
import { type BenchContext, reps } from './context.js';
import { hermetic } from './hermetic.js';
import type { Row } from './report.js';

/** Model think time per turn: the turn waits on the model, as real turns do, so spreading shows. */
const MODEL_DELAY_MS = 50;
const SERVERS = 3;

/**
 * Issue 14: ClientPool throughput (turns/s) over 1, 2 and 3 launched app-servers, each with its own
 * hermetic home on one scripted model. The same number of concurrent sessions every time.
 */
export async function pool(ctx: BenchContext): Promise<Row[]> {
  const sessionsCount = 12;
  const turnsEach = reps(ctx, 8, 2);
  const h = await hermetic();
  const servers: LaunchedAppServer[] = [];
  try {
    servers.push(
      ...(await Promise.all(
        Array.from({ length: SERVERS }, () =>
          launchAppServer({
            codexHome: h.home.path,
            env: h.home.env,
            codexBin: ctx.codexBin,
            auth: 'capability-token',
          }),
        ),
      )),
    );
    const enqueue = (): void => h.model.enqueue(delayed(MODEL_DELAY_MS, message('ok')));
    const rates: number[] = [];
    const details: Record<string, unknown>[] = [];
    for (let n = 1; n <= SERVERS; n++) {
      ctx.log(`pool: ${n} server(s), ${sessionsCount} sessions × ${turnsEach} turns`);
      const p = await ClientPool.connect({ endpoints: servers.slice(0, n).map((s) => s.remote) });
      try {
        const sessions = await Promise.all(
          Array.from({ length: sessionsCount }, () => p.startSession({ cwd: h.workspace.path })),
        );
        await runSessions(sessions, 1, enqueue); // warm-up
        const r = await runSessions(sessions, turnsEach, enqueue);
        rates.push(r.latencies.length / (r.wallMs / 1000));
        details.push({ servers: n, wallMs: r.wallMs, turns: r.latencies.length, endpoints: p.endpoints() });
      } finally {
        await p.close();
      }
    }
    return rates.map((rate, i) => ({
      bench: 'pool',
      what: `ClientPool, ${i + 1} server(s): throughput`,
      value: rate,
      unit: 'turns/s',
      baseline: { name: '1 server', value: rates[0]! },
      ratio: rate / rates[0]!,
      detail: { sessions: sessionsCount, turnsEach, modelDelayMs: MODEL_DELAY_MS, ...details[i] },
    }));
  } finally {
    await Promise.allSettled(servers.map((s) => s.close()));
    await h.close();
  }
}
