import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { message } from './items.js';
import { startScriptedHarness } from './scripted-harness.js';
import { type SuiteHooks, useSharedHarness } from './shared-harness.js';

describe('useSharedHarness in a vitest suite', () => {
  const h = useSharedHarness({ beforeAll, afterAll, beforeEach }, () => startScriptedHarness());

  it('reads the harness started in beforeAll', () => {
    expect(h.model.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(h.home.env.CODEX_HOME).toBe(h.home.path);
    h.model.enqueue(message('left over by this test'));
    expect(h.model.pending).toBe(1);
  });

  it('starts each test with the steps the previous one left dropped', () => {
    expect(h.model.pending).toBe(0);
  });
});

describe('useSharedHarness hooks', () => {
  /** Hooks that only record what was registered, to run them by hand. */
  function recordingHooks() {
    const registered: { beforeAll: (() => Promise<void>)[]; afterAll: (() => Promise<void>)[] } = {
      beforeAll: [],
      afterAll: [],
    };
    const hooks: SuiteHooks = {
      beforeAll: (fn) => registered.beforeAll.push(fn),
      afterAll: (fn) => registered.afterAll.push(fn),
      beforeEach: () => {},
    };
    return { hooks, registered };
  }

  it('throws a clear error when read before beforeAll ran', () => {
    const { hooks } = recordingHooks();
    const h = useSharedHarness(hooks, () => startScriptedHarness());
    expect(() => h.model).toThrow(/read before its beforeAll ran/);
  });

  it('closes the harness in afterAll (the model stops answering)', async () => {
    const { hooks, registered } = recordingHooks();
    const h = useSharedHarness(hooks, () => startScriptedHarness());
    await registered.beforeAll[0]!();
    const url = `${h.model.url}/models`;
    expect((await fetch(url)).status).toBe(200);
    await registered.afterAll[0]!();
    await expect(fetch(url)).rejects.toThrow();
  });
});
