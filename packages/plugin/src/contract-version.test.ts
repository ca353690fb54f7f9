import { describe, expect, it } from 'vitest';
import { checkContractVersion, PLUGIN_CONTRACT_VERSION } from './contract-version.js';

describe('checkContractVersion', () => {
  it('is a semver version with major 1', () => {
    expect(PLUGIN_CONTRACT_VERSION).toMatch(/^1\.\d+\.\d+$/);
  });

  it('accepts nothing declared and any version of the same major', () => {
    for (const v of [undefined, '1', '1.0', '1.0.0', '1.9.3', PLUGIN_CONTRACT_VERSION]) {
      expect(checkContractVersion(v)).toEqual({ compatible: true });
    }
  });

  it('refuses another major with a clear reason', () => {
    const check = checkContractVersion('2.1.0');
    expect(check.compatible).toBe(false);
    expect(!check.compatible && check.reason).toBe(
      `it declares hook contract 2.1.0, but this codexus supports 1.x (PLUGIN_CONTRACT_VERSION ${PLUGIN_CONTRACT_VERSION})`,
    );
    expect(checkContractVersion('0.9.0').compatible).toBe(false);
  });

  it('refuses what is no version', () => {
    for (const v of ['', 'latest', '1.x', 'v1', '1.0.0.0', 1]) {
      const check = checkContractVersion(v);
      expect(check.compatible).toBe(false);
      expect(!check.compatible && check.reason).toMatch(/is not a version/);
    }
  });
});
