/**
 * Shared setup of the examples. Offline (default): the real codex binary, a hermetic CODEX_HOME and
 * the testkit's scripted model answering with `steps`. `--live`: your own codex login and model (no
 * scripted model, no CODEX_HOME override); the scripted steps are ignored then.
 */
import { pathToFileURL } from 'node:url';
import {
  type CodexHomeOptions,
  createCodexHome,
  createWorkspace,
  type ScriptEntry,
  startScriptedModel,
} from '@codexus/testkit';

export const live = process.argv.includes('--live');

export interface Setup extends AsyncDisposable {
  /** A throwaway working directory for the example. */
  cwd: string;
  /**
   * The client settings to pass to codexus: `{ codexHome, env }` offline (`env` carries the
   * testkit's hermetic trust store), `{}` live.
   */
  client: { codexHome?: string; env?: Readonly<Record<string, string | undefined>> };
}

export async function setup(
  steps: readonly ScriptEntry[],
  home: Pick<CodexHomeOptions, 'approvalPolicy' | 'sandboxMode'> = {},
): Promise<Setup> {
  const workspace = await createWorkspace();
  if (live) return { cwd: workspace.path, client: {}, [Symbol.asyncDispose]: () => workspace.dispose() };
  const model = await startScriptedModel(steps, { log: () => {} });
  const codexHome = await createCodexHome({ modelUrl: model.url, ...home });
  return {
    cwd: workspace.path,
    client: { codexHome: codexHome.path, env: codexHome.env },
    async [Symbol.asyncDispose]() {
      await model.close();
      await codexHome.dispose();
      await workspace.dispose();
    },
  };
}

/** Runs `main` when this file is the program (`tsx src/quick-run.ts`), not when the demo imports it. */
export function runIfMain(moduleUrl: string, main: () => Promise<void>): void {
  if (process.argv[1] === undefined || pathToFileURL(process.argv[1]).href !== moduleUrl) return;
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
