import {
  type CodexConfigOptions,
  type ScriptEntry,
  type ScriptedHarness,
  startScriptedHarness,
} from '@codexus/testkit';
import { Client, type ClientConfig } from '../src/index.js';

/** A scripted model, a hermetic CODEX_HOME, a workspace and a connected Client (one codex process). */
export type Harness = ScriptedHarness<Client>;

export function startHarness(
  steps: ScriptEntry[] = [],
  options: { home?: Partial<CodexConfigOptions>; client?: Partial<ClientConfig> } = {},
): Promise<Harness> {
  return startScriptedHarness({
    steps,
    home: options.home,
    connect: (home) => Client.connect({ codexHome: home.path, ...options.client }),
  });
}
