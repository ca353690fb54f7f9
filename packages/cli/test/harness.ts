import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  type CodexHome,
  createCodexHome,
  createWorkspace,
  type ScriptedModel,
  startScriptedModel,
  type Workspace,
} from '@codexus/testkit';
import { afterAll, beforeAll } from 'vitest';
import { CLI, findTmux, Tmux } from './tmux.js';

/** What a CLI test file shares: one scripted model, one hermetic home, a workspace and a tmux server. */
export interface CliHarness {
  model: ScriptedModel;
  home: CodexHome;
  workspace: Workspace;
  tmux: Tmux;
  /** `--codex-home` and `--cwd` of the hermetic setup. */
  args: string[];
}

export const tmuxBin = findTmux();

/** Sets up the shared {@link CliHarness} for the enclosing `describe` (skip it when tmux is missing). */
export function useCliHarness(): CliHarness {
  const h = {} as CliHarness;
  beforeAll(async () => {
    if (!existsSync(CLI))
      throw new Error(`${CLI} is missing: build the CLI first (pnpm --filter @codexus/cli run build)`);
    h.model = await startScriptedModel([], { log: () => {} });
    h.home = await createCodexHome({ modelUrl: h.model.url });
    h.workspace = await createWorkspace();
    h.tmux = await Tmux.start(tmuxBin ?? 'tmux');
    h.args = ['--codex-home', h.home.path, '--cwd', h.workspace.path];
  });
  afterAll(async () => {
    await h.tmux?.dispose();
    await h.model?.close();
    await h.home?.dispose();
    await h.workspace?.dispose();
  });
  return h;
}

/** Runs the CLI with pipes (no terminal); `input` goes to stdin (closed at once when undefined). */
export function runPiped(
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}
