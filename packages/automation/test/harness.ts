import { Client } from '@codexus/runtime';
import { type ScriptedHarness, startScriptedHarness } from '@codexus/testkit';

/** A scripted model, a hermetic CODEX_HOME, a workspace and a connected Client (one codex process). */
export type Harness = ScriptedHarness<Client>;

export function startHarness(): Promise<Harness> {
  return startScriptedHarness({ connect: (home) => Client.connect({ codexHome: home.path }) });
}

/** `promise`, or a rejection naming `what` after `ms` (so a hang fails fast and says where). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
