import { Client } from '@codexus/runtime';
import { type ScriptedHarness, startScriptedHarness } from '@codexus/testkit';

/** One scripted model, one hermetic CODEX_HOME, one workspace and one Client (one codex process). */
export type Codex = ScriptedHarness<Client>;

export function startCodexClient(): Promise<Codex> {
  return startScriptedHarness({ connect: (home) => Client.connect({ codexHome: home.path }) });
}
