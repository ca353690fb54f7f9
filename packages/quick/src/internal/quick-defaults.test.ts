import { describe, expect, it } from 'vitest';
import { withQuickDefaults } from './quick-defaults.js';

describe('withQuickDefaults', () => {
  it('turns the shell snapshot off when the caller says nothing about it', () => {
    expect(withQuickDefaults(undefined)).toEqual({ 'features.shell_snapshot': false });
    expect(withQuickDefaults({ model: 'x' })).toEqual({ 'features.shell_snapshot': false, model: 'x' });
  });

  it("keeps the caller's value, dotted or nested", () => {
    expect(withQuickDefaults({ 'features.shell_snapshot': true })).toEqual({
      'features.shell_snapshot': true,
    });
    expect(withQuickDefaults({ features: { shell_snapshot: true } })).toEqual({
      features: { shell_snapshot: true },
    });
  });

  it('adds the default beside other keys of the same table', () => {
    expect(withQuickDefaults({ features: { goals: false } })).toEqual({
      'features.shell_snapshot': false,
      features: { goals: false },
    });
  });
});
