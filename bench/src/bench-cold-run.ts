import { quickRun } from '@codexus/quick';
import { message } from '@codexus/testkit';
import { type BenchContext, reps } from './context.js';
import { codexEnv, expectText, hermetic } from './hermetic.js';
import { RawClient } from './raw-client.js';
import { latencyRow, type Row } from './report.js';
import { interleave } from './stats.js';

/**
 * 2. A cold one-shot: `quickRun` vs the raw client's spawn + initialize + thread + turn + exit.
 * Both wait for codex to exit (quickRun always shuts codex down before it resolves), and both run
 * codex with the shell snapshot off, which quickRun sets by default (see quick-defaults.ts).
 */
export async function coldRun(ctx: BenchContext): Promise<Row[]> {
  const h = await hermetic();
  try {
    const env = codexEnv(h.home);
    const rounds = reps(ctx, 20, 3);
    ctx.log(`cold-run: ${rounds} rounds`);
    const s = await interleave(rounds, 1, {
      codexus: async () => {
        h.model.enqueue(message('ok'));
        const r = await quickRun('hi', {
          cwd: h.workspace.path,
          codexHome: h.home.path,
          env: h.home.env,
          codexBin: ctx.codexBin,
        });
        expectText(r.text, 'ok', 'quickRun');
      },
      raw: async () => {
        h.model.enqueue(message('ok'));
        const raw = await RawClient.start(ctx.codexBin, env, ['-c', 'features.shell_snapshot=false']);
        await raw.turn(await raw.startThread(h.workspace.path), 'hi');
        await raw.close();
      },
    });
    return [
      latencyRow(
        'cold-run',
        'cold one-shot (quickRun), median',
        s,
        'codexus',
        { key: 'raw', name: 'raw spawn..exit' },
        {
          op: '<=',
          value: 1.05,
        },
      ),
    ];
  } finally {
    await h.close();
  }
}
