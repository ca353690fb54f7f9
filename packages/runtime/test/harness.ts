import {
  type CodexHomeOptions,
  type ScriptEntry,
  type ScriptedHarness,
  startScriptedHarness,
  useSharedHarness,
} from '@codexus/testkit';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { Client, type ClientConfig } from '../src/index.js';

/** A scripted model, a hermetic CODEX_HOME, a workspace and a connected Client (one codex process). */
export type Harness = ScriptedHarness<Client>;

export function startHarness(
  steps: ScriptEntry[] = [],
  options: { home?: Partial<Omit<CodexHomeOptions, 'modelUrl'>>; client?: Partial<ClientConfig> } = {},
): Promise<Harness> {
  return startScriptedHarness({
    steps,
    home: options.home,
    connect: (home) => Client.connect({ codexHome: home.path, env: home.env, ...options.client }),
  });
}

/** {@link startHarness} shared by the tests of the enclosing `describe` (the testkit's `useSharedHarness`). */
export function useHarness(...args: Parameters<typeof startHarness>): Harness {
  return useSharedHarness({ beforeAll, afterAll, beforeEach }, () => startHarness(...args));
}
