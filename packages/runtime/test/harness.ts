import {
  type CodexHome,
  type CodexHomeOptions,
  createCodexHome,
  createWorkspace,
  type ScriptEntry,
  type ScriptedModel,
  startScriptedModel,
  type Workspace,
} from '@codexus/testkit';
import { Client, type ClientConfig } from '../src/index.js';

/** A scripted model, a hermetic CODEX_HOME, a workspace and a connected Client (one codex process). */
export interface Harness extends AsyncDisposable {
  model: ScriptedModel;
  home: CodexHome;
  workspace: Workspace;
  client: Client;
  close(): Promise<void>;
}

export async function startHarness(
  steps: ScriptEntry[] = [],
  options: { home?: Partial<CodexHomeOptions>; client?: Partial<ClientConfig> } = {},
): Promise<Harness> {
  const model = await startScriptedModel(steps, { log: () => {} });
  const home = await createCodexHome({ modelUrl: model.url, ...options.home });
  const workspace = await createWorkspace();
  const client = await Client.connect({ codexHome: home.path, ...options.client });
  const close = async (): Promise<void> => {
    await client.close();
    await model.close();
    await home.dispose();
    await workspace.dispose();
  };
  return { model, home, workspace, client, close, [Symbol.asyncDispose]: close };
}
