import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createCodexHome,
  createWorkspace,
  startCodex,
  startScriptedModel,
  type TomlTable,
} from '../src/index.js';
import { startThread } from './helpers.js';

/** Pids of the login shells codex started to snapshot the environment (their script says so). */
function snapshotShells(codexPid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== codexPid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('# Snapshot file'))
        found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** Starts a thread on a hermetic home and watches codex's children for 1.5 s. */
async function shellsAtThreadStart(extraConfig?: TomlTable): Promise<number> {
  await using model = await startScriptedModel([]);
  await using home = await createCodexHome({ modelUrl: model.url, extraConfig });
  await using workspace = await createWorkspace();
  await using codex = await startCodex({ codexHome: home });
  const seen = new Set<number>();
  await startThread(codex, { cwd: workspace.path });
  const until = Date.now() + 1_500;
  while (Date.now() < until) {
    for (const pid of snapshotShells(codex.pid)) seen.add(pid);
    await new Promise((r) => setTimeout(r, 5));
  }
  return seen.size;
}

/**
 * The hermetic home turns codex's shell snapshot off: no login shell runs the machine's profile
 * at `thread/start` (what it starts outlives the turn and, under churn, piles up).
 */
describe.skipIf(process.platform !== 'linux')('the shell snapshot of a hermetic home', () => {
  it('is off: thread/start starts no login shell', async () => {
    expect(await shellsAtThreadStart()).toBe(0);
  });

  it('starts one when a test turns it back on (so the check above can fail)', async () => {
    expect(await shellsAtThreadStart({ features: { shell_snapshot: true } })).toBeGreaterThan(0);
  });
});
