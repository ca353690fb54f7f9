import {
  type CodexHome,
  type ScriptedHarness,
  type ScriptedHarnessOptions,
  startScriptedHarness,
} from '@codexus/testkit';

/**
 * A scripted model, a hermetic CODEX_HOME and a workspace (the testkit's harness). Every codex the
 * benchmarks start gets `home.env`: `CODEX_HOME` and the testkit's hermetic trust store (see
 * docs/performance.md, "Trust store").
 */
export function hermetic<C = undefined>(
  options: ScriptedHarnessOptions<C> = {},
): Promise<ScriptedHarness<C>> {
  return startScriptedHarness({
    ...options,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
  });
}

/** The environment of a codex child for a hermetic home (over `process.env`; `extra` last). */
export function codexEnv(home: CodexHome, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...home.env, NO_COLOR: '1', ...extra };
}

/** Fails the benchmark when a turn did not do what was scripted (a fast wrong answer is no result). */
export function expectText(actual: string, expected: string, where: string): void {
  if (actual !== expected)
    throw new Error(`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
