import {
  type CodexHomeOptions,
  type ScriptedHarness,
  startScriptedHarness,
  useSharedHarness,
} from '@codexus/testkit';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** A scripted model, a hermetic CODEX_HOME and a workspace, shared by a test file. No codex yet: quick spawns it. */
export type QuickHarness = ScriptedHarness<undefined>;

export function startQuickHarness(
  home: Partial<Omit<CodexHomeOptions, 'modelUrl'>> = {},
): Promise<QuickHarness> {
  return startScriptedHarness({ home });
}

/** {@link startQuickHarness} shared by the tests of the enclosing `describe` (the testkit's `useSharedHarness`). */
export function useQuickHarness(...args: Parameters<typeof startQuickHarness>): QuickHarness {
  return useSharedHarness({ beforeAll, afterAll, beforeEach }, () => startQuickHarness(...args));
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
