import { describe, expect, it } from 'vitest';
import { EXPERIMENTAL_PARAMS_FIELDS } from './generated/methods.js';
import { inventory } from './inventory.js';
import { experimentalFields, experimentalFieldsIn, isExperimental, stabilityOf } from './stability.js';

describe('stability', () => {
  it('tells experimental methods from stable ones', () => {
    expect(isExperimental('thread/realtime/start')).toBe(true);
    expect(isExperimental('thread/start')).toBe(false);
    const gated = inventory().methods.filter((m) => m.requiresExperimentalApi);
    expect(gated.length).toBeGreaterThan(0);
    for (const m of gated) expect(isExperimental(m.method), m.method).toBe(true);
    expect(isExperimental('nope/nope')).toBe(false);
  });

  it('tells experimental params fields', () => {
    expect(isExperimental('thread/start', 'dynamicTools')).toBe(true);
    expect(isExperimental('thread/start', 'model')).toBe(false);
    expect(isExperimental('turn/start', 'collaborationMode')).toBe(true);
    expect(experimentalFields('thread/start')).toContain('permissions');
    expect(experimentalFields('thread/archive')).toEqual([]);
    expect(experimentalFields('item/commandExecution/requestApproval')).toEqual([
      'additionalPermissions',
      'availableDecisions',
    ]);
    expect(
      experimentalFieldsIn('thread/start', { model: 'm', dynamicTools: [], permissions: undefined }),
    ).toEqual(['dynamicTools']);
    expect(Object.keys(EXPERIMENTAL_PARAMS_FIELDS)).toContain('turn/steer');
  });

  it('reports the four stability classes', () => {
    expect(stabilityOf('thread/start')).toBe('stable');
    expect(stabilityOf('thread/realtime/start')).toBe('experimental');
    expect(stabilityOf('execCommandApproval')).toBe('deprecated');
    expect(stabilityOf('mock/experimentalMethod')).toBe('internal');
    expect(stabilityOf('nope')).toBeUndefined();
  });
});
