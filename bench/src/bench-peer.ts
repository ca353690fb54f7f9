import { Workflow } from '@codexus/quick';
import { message } from '@codexus/testkit';
import { Codex } from '@openai/codex-sdk';
import { type BenchContext, reps } from './context.js';
import { codexEnv, expectText, hermetic } from './hermetic.js';
import { RawClient } from './raw-client.js';
import type { Row } from './report.js';
import { interleave, median, p95 } from './stats.js';

/**
 * 3. Peer: repeated turns on one thread. codexus `Workflow.run` (one codex process for all turns)
 * vs `@openai/codex-sdk` `thread.run` (spawns `codex exec ... resume <thread>` per turn), both on
 * our pinned codex and the same scripted model through the same hermetic CODEX_HOME, with the same
 * config (shell snapshot off: Workflow's default, passed to the SDK as `config`). The raw client's
 * warm turn is measured alongside as the floor.
 */
export async function peer(ctx: BenchContext): Promise<Row[]> {
  const h = await hermetic();
  const env = codexEnv(h.home.path);
  const workflow = await Workflow.connect({
    cwd: h.workspace.path,
    codexHome: h.home.path,
    codexBin: ctx.codexBin,
  });
  const raw = await RawClient.start(ctx.codexBin, env, ['-c', 'features.shell_snapshot=false']);
  try {
    const sdk = new Codex({
      codexPathOverride: ctx.codexBin,
      env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
      config: { features: { shell_snapshot: false } },
    });
    const thread = sdk.startThread({
      workingDirectory: h.workspace.path,
      skipGitRepoCheck: true,
      sandboxMode: 'read-only',
      approvalPolicy: 'never',
      modelReasoningEffort: 'medium',
    });
    const rawThread = await raw.startThread(h.workspace.path);
    const rounds = reps(ctx, 20, 3);
    ctx.log(`peer: ${rounds} rounds`);
    const s = await interleave(rounds, 1, {
      codexus: async () => {
        h.model.enqueue(message('ok'));
        expectText((await workflow.run('hi')).text, 'ok', 'Workflow.run');
      },
      sdk: async () => {
        h.model.enqueue(message('ok'));
        expectText((await thread.run('hi')).finalResponse, 'ok', 'codex-sdk thread.run');
      },
      raw: async () => {
        h.model.enqueue(message('ok'));
        await raw.turn(rawThread, 'hi');
      },
    });
    const value = median(s.codexus);
    const sdkMs = median(s.sdk);
    const rawMs = median(s.raw);
    const detail = { rounds, p95: { codexus: p95(s.codexus), sdk: p95(s.sdk), raw: p95(s.raw) }, samples: s };
    return [
      {
        bench: 'peer',
        what: 'turn on one thread (Workflow.run), median',
        value,
        unit: 'ms',
        baseline: { name: '@openai/codex-sdk', value: sdkMs },
        ratio: sdkMs / value,
        target: { op: '>=', value: 3.5 },
        detail,
      },
      {
        bench: 'peer',
        what: 'raw client, same turns (reference)',
        value: rawMs,
        unit: 'ms',
        baseline: { name: '@openai/codex-sdk', value: sdkMs },
        ratio: sdkMs / rawMs,
      },
    ];
  } finally {
    await raw.close();
    await workflow.close();
    await h.close();
  }
}
