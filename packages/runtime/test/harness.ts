import {
  type CodexHomeOptions,
  type ScriptEntry,
  type ScriptedHarness,
  startScriptedHarness,
  useSharedHarness,
} from '@codexus/testkit';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { Client, type ClientConfig, type Logger } from '../src/index.js';

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

/** A logger that keeps what it is told, for tests that check what was reported. */
export function recordingLogger(): {
  logger: Logger;
  entries: { level: keyof Logger; message: string; fields: Record<string, unknown> }[];
} {
  const entries: { level: keyof Logger; message: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: keyof Logger) =>
    (message: string, fields: Record<string, unknown> = {}): void => {
      entries.push({ level, message, fields });
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, entries };
}

/** Resolves when `check` returns true, polling every 20 ms; rejects after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `promise`, or a rejection naming `what` after `timeoutMs` (so a hang fails instead of stalling). */
export function within<T>(promise: Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
