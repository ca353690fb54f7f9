import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CodexusError } from './errors.js';
import {
  checkCompatibility,
  compareVersions,
  MIN_CODEX_VERSION,
  PINNED_CODEX_VERSION,
  parseCodexVersion,
  warnUntestedVersion,
} from './version.js';

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
    const range = { versionRange: { min: '0.160.0', pinned: '0.169.0' } };
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
    expect(String((err as Error).message)).toMatch(/older than the supported range 0.160.0/);
    expect(String((err as Error).message)).toMatch(/allowUntestedVersion/);
    expect(checkCompatibility('0.150.0', { ...range, allowUntestedVersion: true })).toBe('older-untested');
    expect(() => checkCompatibility(undefined, range)).toThrow(/could not read the codex version/);
  });

  it('states the range once: the default range, the peer dependency and the root pin agree', () => {
    const core = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(core.peerDependencies['@openai/codex']).toBe(`>=${MIN_CODEX_VERSION}`);
    expect(root.devDependencies['@openai/codex']).toBe(PINNED_CODEX_VERSION);
    expect(compareVersions(MIN_CODEX_VERSION, PINNED_CODEX_VERSION)).toBeLessThan(0);
    expect(checkCompatibility(MIN_CODEX_VERSION)).toBe('older-supported');
    expect(checkCompatibility(PINNED_CODEX_VERSION)).toBe('pinned');
  });

  it('warns visibly, once per version, for an untested codex; never for a supported one', () => {
    const seen: string[] = [];
    const onWarning = (w: Error & { code?: string }) => {
      if (w.code === 'CODEXUS_UNTESTED_CODEX') seen.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      expect(warnUntestedVersion(PINNED_CODEX_VERSION, 'pinned')).toBeUndefined();
      const text = warnUntestedVersion('9.9.9', 'newer');
      expect(text).toMatch(/9\.9\.9 is newer than the tested/);
      warnUntestedVersion('9.9.9', 'newer');
      warnUntestedVersion('0.1.0', 'older-untested');
      return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        expect(seen).toHaveLength(2);
        expect(seen[0]).toBe(text);
      });
    } finally {
      setImmediate(() => process.off('warning', onWarning));
    }
  });
});
