import { describe, expect, it } from 'vitest';
import * as codexus from '../src/index.js';

describe('codexus umbrella', () => {
  it('re-exports the root convenience surface', () => {
    const { quickRun, quickRunWithProfile, QuickRunError, Workflow, AppServer } = codexus;
    const { createHookMatcher, FilteredPreHook, FilteredPostHook, ShellCommandHook } = codexus;
    const exported = { quickRun, quickRunWithProfile, QuickRunError, Workflow, AppServer };
    const hooks = { createHookMatcher, FilteredPreHook, FilteredPostHook, ShellCommandHook };
    for (const [name, value] of Object.entries({ ...exported, ...hooks }))
      expect(typeof value, name).toBe('function');
  });

  it('exposes the layer namespaces', () => {
    expect(typeof codexus.runtime.Client.connect).toBe('function');
    expect(typeof codexus.automation.spawn).toBe('function');
    expect(codexus.protocol.inventory().counts).toBeDefined();
    expect(codexus.plugin.HOOK_PHASES).toContain('PreTurn');
  });

  it('every exported error class has its own brand, so its guard never narrows a parent error', () => {
    const { CodexusError } = codexus.runtime;
    const modules = [codexus, codexus.runtime, codexus.automation, codexus.protocol];
    const classes = new Set<typeof CodexusError>();
    for (const mod of modules)
      for (const value of Object.values(mod))
        if (typeof value === 'function' && value.prototype instanceof CodexusError)
          classes.add(value as typeof CodexusError);
    expect(classes.size).toBeGreaterThanOrEqual(5);
    const plain = new CodexusError('ABORTED', 'x');
    for (const cls of classes) {
      expect(Object.hasOwn(cls, 'brand'), `${cls.name} declares static brand`).toBe(true);
      expect(cls.isInstance(plain), `${cls.name}.isInstance(a plain CodexusError)`).toBe(false);
      expect(cls.is(plain, 'ABORTED'), `${cls.name}.is(a plain CodexusError)`).toBe(false);
    }
  });

  it('resolves through the package exports map (as a user imports it)', async () => {
    const pkg = await import('codexus');
    expect(pkg.quickRun).toBe(codexus.quickRun);
  });
});
