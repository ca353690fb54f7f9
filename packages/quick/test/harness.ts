import { type CodexConfigOptions, type ScriptedHarness, startScriptedHarness } from '@codexus/testkit';

/** A scripted model, a hermetic CODEX_HOME and a workspace, shared by a test file. No codex yet: quick spawns it. */
export type QuickHarness = ScriptedHarness<undefined>;

export function startQuickHarness(home: Partial<CodexConfigOptions> = {}): Promise<QuickHarness> {
  return startScriptedHarness({ home });
}

/** Counts the `initialize` requests written to codex (one per spawned process) through the wire trace. */
export function initializeCounter(): {
  count: () => number;
  trace: (entry: { direction: string; text: string }) => void;
} {
  let n = 0;
  return {
    count: () => n,
    trace: (entry) => {
      if (entry.direction === 'out' && /"method":"initialize"/.test(entry.text)) n++;
    },
  };
}
