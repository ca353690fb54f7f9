import { describe, expect, it } from 'vitest';
import { CodexusError } from './errors.js';
import { checkCompatibility, compareVersions, parseCodexVersion } from './version.js';

describe('version', () => {
  it('reads the version from a userAgent', () => {
    expect(parseCodexVersion('codexus/0.169.0 (Debian 12.0.0; x86_64) xterm (codexus; 0.1.0)')).toBe(
      '0.169.0',
    );
    expect(parseCodexVersion('x/1.2.3-alpha.1 (mac)')).toBe('1.2.3-alpha.1');
    expect(parseCodexVersion('no version')).toBeUndefined();
  });

  it('compares numerically, prereleases first', () => {
    expect(compareVersions('0.169.0', '0.99.0')).toBe(1);
    expect(compareVersions('0.169.0', '0.169.0')).toBe(0);
    expect(compareVersions('0.169.0-alpha', '0.169.0')).toBe(-1);
    expect(compareVersions('1.0.0', '0.999.999')).toBe(1);
  });

  it('guards the supported range', () => {
    const range = { min: '0.160.0', pinned: '0.169.0' };
    expect(checkCompatibility('0.169.0', range)).toBe('pinned');
    expect(checkCompatibility('0.165.2', range)).toBe('older-supported');
    expect(checkCompatibility('0.170.0', range)).toBe('newer');
    const err = (() => {
      try {
        checkCompatibility('0.150.0', range);
      } catch (e) {
        return e;
      }
    })();
    expect(CodexusError.is(err, 'INCOMPATIBLE_VERSION')).toBe(true);
    expect(String((err as Error).message)).toMatch(/older than the minimum supported 0.160.0/);
    expect(() => checkCompatibility(undefined, range)).toThrow(/could not read the codex version/);
  });
});
