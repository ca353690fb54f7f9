import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createCodexHome,
  createWorkspace,
  startCodex,
  startScriptedModel,
  type TomlTable,
} from '../src/index.js';
import { startThread } from './helpers.js';

/** The snapshots codex wrote from its login shell's output (`<CODEX_HOME>/shell_snapshots/*.sh`). */
function snapshots(codexHome: string): string[] {
  try {
    return readdirSync(join(codexHome, 'shell_snapshots'));
  } catch {
    return [];
  }
}

/**
 * Starts a thread on a hermetic home and waits up to `waitMs` for codex to write a shell snapshot
 * (its login shell ran the machine's profile); returns what it wrote.
 */
async function snapshotsAfterThreadStart(waitMs: number, extraConfig?: TomlTable): Promise<string[]> {
  await using model = await startScriptedModel([]);
  await using home = await createCodexHome({ modelUrl: model.url, extraConfig });
  await using workspace = await createWorkspace();
  await using codex = await startCodex({ codexHome: home });
  await startThread(codex, { cwd: workspace.path });
  const until = Date.now() + waitMs;
  while (snapshots(home.path).length === 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return snapshots(home.path);
}

/**
 * The hermetic home turns codex's shell snapshot off: no login shell runs the machine's profile
 * at `thread/start` (what it starts outlives the turn and, under churn, piles up).
 */
describe('the shell snapshot of a hermetic home', () => {
  it('is written when a test turns it back on (so the check below can fail)', async () => {
    // About 0.4 s after thread/start on a 2-CPU machine whose profile runs `pyenv init`.
    expect(await snapshotsAfterThreadStart(10_000, { features: { shell_snapshot: true } })).toHaveLength(1);
  });

  it('is off: thread/start runs no login shell, so no snapshot is written', async () => {
    expect(await snapshotsAfterThreadStart(2_000)).toEqual([]);
  });
});
