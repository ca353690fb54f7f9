import {
  type CodexHome,
  type CodexHomeOptions,
  createCodexHome,
  createWorkspace,
  type Workspace,
} from './codex-home.js';
import { type ScriptedModel, startScriptedModel } from './scripted-model.js';
import type { ScriptEntry } from './steps.js';

export interface ScriptedHarnessOptions<C> {
  /** The model's initial script (more can be added with `model.enqueue`). */
  steps?: readonly ScriptEntry[];
  /** Options of the hermetic home: config.toml and trust store (the model URL is filled in). */
  home?: Partial<Omit<CodexHomeOptions, 'modelUrl'>>;
  /**
   * Connects what the test drives to the hermetic home, e.g.
   * `(home) => Client.connect({ codexHome: home.path, env: home.env })`. Its `close()` runs first on `close()`.
   */
  connect?: (home: CodexHome) => Promise<C>;
  /** Where the model reports requests it does not serve. Default: silent. */
  log?: (line: string) => void;
}

/** A scripted model, a hermetic CODEX_HOME, a workspace, and (optionally) something connected to them. */
export interface ScriptedHarness<C> extends AsyncDisposable {
  readonly model: ScriptedModel;
  readonly home: CodexHome;
  readonly workspace: Workspace;
  readonly client: C;
  /** Closes the client (if it has `close()`), the model, the home and the workspace. Idempotent. */
  close(): Promise<void>;
}

/**
 * Everything a real-codex test file shares, in one call; on a failure part-way, what was started is
 * closed again.
 *
 * ```ts
 * const h = await startScriptedHarness({ connect: (home) => Client.connect({ codexHome: home.path }) });
 * h.model.enqueue(message('hi'));
 * ```
 */
export async function startScriptedHarness<C = undefined>(
  options: ScriptedHarnessOptions<C> = {},
): Promise<ScriptedHarness<C>> {
  const opened: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of opened.splice(0).reverse()) await close();
  };
  try {
    const model = await startScriptedModel(options.steps ?? [], { log: options.log ?? (() => {}) });
    opened.push(() => model.close());
    const home = await createCodexHome({ ...options.home, modelUrl: model.url });
    opened.push(() => home.dispose());
    const workspace = await createWorkspace();
    opened.push(() => workspace.dispose());
    const client = (options.connect ? await options.connect(home) : undefined) as C;
    const closable = client as { close?: () => Promise<void> } | undefined;
    if (typeof closable?.close === 'function') opened.push(() => closable.close!());
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= closeAll();
      return closing;
    };
    return { model, home, workspace, client, close, [Symbol.asyncDispose]: close };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
