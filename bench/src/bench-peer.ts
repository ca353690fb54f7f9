import { Workflow } from '@codexus/quick';
import { message, type TrustStore, trustStoreEnv } from '@codexus/testkit';
import { Codex } from '@openai/codex-sdk';
import { type BenchContext, reps } from './context.js';
import { codexEnv, expectText, hermetic } from './hermetic.js';
import { RawClient } from './raw-client.js';
import { pairedFields, type Row } from './report.js';
import { interleave, median, p95 } from './stats.js';

type Harness = Awaited<ReturnType<typeof hermetic>>;

/** The three sides of one environment: codexus, the SDK and the raw client, each with one thread. */
interface Sides {
  codexus(): Promise<void>;
  sdk(): Promise<void>;
  raw(): Promise<void>;
  close(): Promise<void>;
}

/**
 * 3. Peer: repeated turns on one thread. codexus `Workflow.run` (one codex process for all turns)
 * vs `@openai/codex-sdk` `thread.run` (spawns `codex exec ... resume <thread>` per turn), both on
 * our pinned codex and the same scripted model through the same hermetic CODEX_HOME, with the same
 * config (shell snapshot off: Workflow's default, passed to the SDK as `config`). The raw client's
 * warm turn is measured alongside as the floor.
 *
 * All of that twice, interleaved in the same rounds: with the hermetic trust store every benchmark
 * uses (the target row) and with the machine's own root store, which codex 0.169 parses on every
 * turn (reported, so the cost it adds to both sides stays visible).
 */
export async function peer(ctx: BenchContext): Promise<Row[]> {
  const h = await hermetic();
  const opened: Sides[] = [];
  try {
    const hermeticSides = await sides(ctx, h, 'hermetic');
    opened.push(hermeticSides);
    const systemSides = await sides(ctx, h, 'system');
    opened.push(systemSides);
    const rounds = reps(ctx, 20, 3);
    ctx.log(`peer: ${rounds} rounds × 2 trust stores`);
    const s = await interleave(rounds, 1, {
      codexus: hermeticSides.codexus,
      sdk: hermeticSides.sdk,
      raw: hermeticSides.raw,
      codexusSystem: systemSides.codexus,
      sdkSystem: systemSides.sdk,
      rawSystem: systemSides.raw,
    });
    const m = Object.fromEntries(Object.entries<number[]>(s).map(([k, v]) => [k, median(v)])) as Record<
      keyof typeof s,
      number
    >;
    const detail = {
      rounds,
      medians: m,
      p95: Object.fromEntries(Object.entries<number[]>(s).map(([k, v]) => [k, p95(v)])),
      samples: s,
    };
    const sdk = { name: '@openai/codex-sdk', value: m.sdk };
    const sdkSystem = { name: '@openai/codex-sdk, machine trust store', value: m.sdkSystem };
    return [
      {
        bench: 'peer',
        what: 'turn on one thread (Workflow.run), median',
        value: m.codexus,
        unit: 'ms',
        baseline: sdk,
        ...pairedFields(s.sdk, s.codexus),
        target: { op: '>=', value: 3.5 },
        detail,
      },
      {
        bench: 'peer',
        what: 'raw client, same turns (reference)',
        value: m.raw,
        unit: 'ms',
        baseline: sdk,
        ...pairedFields(s.sdk, s.raw),
      },
      {
        bench: 'peer',
        what: 'Workflow.run, machine trust store (reference)',
        value: m.codexusSystem,
        unit: 'ms',
        baseline: sdkSystem,
        ...pairedFields(s.sdkSystem, s.codexusSystem),
      },
      {
        bench: 'peer',
        what: 'raw client, machine trust store (reference)',
        value: m.rawSystem,
        unit: 'ms',
        baseline: sdkSystem,
        ...pairedFields(s.sdkSystem, s.rawSystem),
      },
    ];
  } finally {
    for (const side of opened.reverse()) await side.close();
    await h.close();
  }
}

/** One Workflow, one SDK thread and one raw client, every codex of them with `trustStore`. */
async function sides(ctx: BenchContext, h: Harness, trustStore: TrustStore): Promise<Sides> {
  const trust = trustStoreEnv(trustStore);
  const env = codexEnv(h.home, trust);
  const workflow = await Workflow.connect({
    cwd: h.workspace.path,
    codexHome: h.home.path,
    env: { ...h.home.env, ...trust },
    codexBin: ctx.codexBin,
  });
  const raw = await RawClient.start(ctx.codexBin, env, ['-c', 'features.shell_snapshot=false']).catch(
    async (error: unknown) => {
      await workflow.close();
      throw error;
    },
  );
  const close = async (): Promise<void> => {
    await raw.close();
    await workflow.close();
  };
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
  const rawThread = await raw.startThread(h.workspace.path).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  return {
    codexus: async () => {
      h.model.enqueue(message('ok'));
      expectText((await workflow.run('hi')).text, 'ok', `Workflow.run (${trustStore})`);
    },
    sdk: async () => {
      h.model.enqueue(message('ok'));
      expectText((await thread.run('hi')).finalResponse, 'ok', `codex-sdk thread.run (${trustStore})`);
    },
    raw: async () => {
      h.model.enqueue(message('ok'));
      await raw.turn(rawThread, 'hi');
    },
    close,
  };
}
