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

  it('resolves through the package exports map (as a user imports it)', async () => {
    const pkg = await import('codexus');
    expect(pkg.quickRun).toBe(codexus.quickRun);
  });
});
