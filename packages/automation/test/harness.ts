import { Client } from '@codexus/runtime';
import { type ScriptedHarness, startScriptedHarness, useSharedHarness } from '@codexus/testkit';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** A scripted model, a hermetic CODEX_HOME, a workspace and a connected Client (one codex process). */
export type Harness = ScriptedHarness<Client>;

export function startHarness(): Promise<Harness> {
  return startScriptedHarness({ connect: (home) => Client.connect({ codexHome: home.path, env: home.env }) });
}

/** {@link startHarness} shared by the tests of the enclosing `describe` (the testkit's `useSharedHarness`). */
export function useHarness(): Harness {
  return useSharedHarness({ beforeAll, afterAll, beforeEach }, startHarness);
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
