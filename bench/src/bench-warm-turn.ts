import { Client } from '@codexus/runtime';
import { message } from '@codexus/testkit';
import { type BenchContext, reps } from './context.js';
import { cpuMeter, cpuRows } from './cpu.js';
import { codexEnv, expectText, hermetic } from './hermetic.js';
import { RawClient } from './raw-client.js';
import { latencyRow, type Row } from './report.js';
import { interleave } from './stats.js';

/** 1. A warm turn: `Session.ask` vs the raw client, each on its own warm codex and thread. */
export async function warmTurn(ctx: BenchContext): Promise<Row[]> {
  const h = await hermetic({
    connect: (home) => Client.connect({ codexHome: home.path, env: home.env, codexBin: ctx.codexBin }),
  });
  const raw = await RawClient.start(ctx.codexBin, codexEnv(h.home));
  try {
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const thread = await raw.startThread(h.workspace.path);
    const rounds = reps(ctx, 100, 10);
    ctx.log(`warm-turn: ${rounds} rounds`);
    const codexus = cpuMeter(async () => {
      h.model.enqueue(message('ok'));
      expectText((await session.ask('hi')).text, 'ok', 'Session.ask');
    });
    const rawSide = cpuMeter(async () => {
      h.model.enqueue(message('ok'));
      await raw.turn(thread, 'hi');
    });
    const s = await interleave(rounds, 5, { codexus: codexus.run, raw: rawSide.run });
    return [
      latencyRow(
        'warm-turn',
        'warm turn (Session.ask), median',
        s,
        'codexus',
        { key: 'raw', name: 'raw stdio' },
        {
          op: '<=',
          value: 1.05,
        },
      ),
      ...cpuRows(
        'warm-turn',
        { name: 'Session.ask', totals: codexus.totals },
        { name: 'raw stdio', totals: rawSide.totals },
      ),
    ];
  } finally {
    await raw.close();
    await h.close();
  }
}
