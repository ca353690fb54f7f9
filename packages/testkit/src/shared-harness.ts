import type { ScriptedHarness } from './scripted-harness.js';

/** The suite hooks of a test runner (vitest's, jest's or mocha's `beforeAll`/`afterAll`/`beforeEach`). */
export interface SuiteHooks {
  beforeAll(fn: () => Promise<void>): void;
  afterAll(fn: () => Promise<void>): void;
  beforeEach(fn: () => void): void;
}

/**
 * One harness (one codex process) shared by the tests of a suite: started in `beforeAll`, closed in
 * `afterAll`, and the model's unused steps dropped before each test, so a test that failed half-way
 * leaves no script behind for the next. Returns a handle whose properties read the started harness;
 * reading one before `beforeAll` ran throws. The runner's hooks are passed in (the testkit depends on
 * no test runner).
 *
 * ```ts
 * import { afterAll, beforeAll, beforeEach } from 'vitest';
 * const h = useSharedHarness({ beforeAll, afterAll, beforeEach }, () =>
 *   startScriptedHarness({ connect: (home) => Client.connect({ codexHome: home.path, env: home.env }) }),
 * );
 * it('answers', async () => { h.model.enqueue(message('ok')); ... });
 * ```
 */
export function useSharedHarness<C>(
  hooks: SuiteHooks,
  start: () => Promise<ScriptedHarness<C>>,
): ScriptedHarness<C> {
  let current: ScriptedHarness<C> | undefined;
  hooks.beforeAll(async () => {
    current = await start();
  });
  hooks.afterAll(async () => {
    await current?.close();
  });
  hooks.beforeEach(() => {
    current?.model.clear();
  });
  const started = (): ScriptedHarness<C> => {
    if (current === undefined)
      throw new Error('useSharedHarness: the harness is read before its beforeAll ran');
    return current;
  };
  return {
    get model() {
      return started().model;
    },
    get home() {
      return started().home;
    },
    get workspace() {
      return started().workspace;
    },
    get client() {
      return started().client;
    },
    close: () => started().close(),
    [Symbol.asyncDispose]: () => started().close(),
  };
}
