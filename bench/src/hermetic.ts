import { type ScriptedHarness, type ScriptedHarnessOptions, startScriptedHarness } from '@codexus/testkit';

/**
 * A scripted model, a hermetic CODEX_HOME and a workspace (the testkit's harness), with the codex
 * home kept out of the OS temp dir's helper-binary warning.
 */
export function hermetic<C = undefined>(
  options: ScriptedHarnessOptions<C> = {},
): Promise<ScriptedHarness<C>> {
  return startScriptedHarness({
    ...options,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
  });
}

/** The environment of a codex child for a hermetic home. */
export function codexEnv(homePath: string): NodeJS.ProcessEnv {
  return { ...process.env, CODEX_HOME: homePath, NO_COLOR: '1' };
}

/** Fails the benchmark when a turn did not do what was scripted (a fast wrong answer is no result). */
export function expectText(actual: string, expected: string, where: string): void {
  if (actual !== expected)
    throw new Error(`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
