import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodexusError } from './errors.js';
import { resolveCodexBin } from './resolve-codex-bin.js';

function fakeBin(name = 'codex'): string {
  const dir = mkdtempSync(join(tmpdir(), 'codexus-bin-'));
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

describe('resolveCodexBin', () => {
  it('prefers the option, then the env variable', () => {
    const a = fakeBin();
    const b = fakeBin();
    expect(resolveCodexBin({ codexBin: a, env: { CODEXUS_CODEX_BIN: b } })).toEqual({
      path: a,
      source: 'option',
    });
    expect(resolveCodexBin({ env: { CODEXUS_CODEX_BIN: b } })).toEqual({ path: b, source: 'env' });
  });

  it('finds the installed @openai/codex platform binary', () => {
    const found = resolveCodexBin({ env: {} });
    expect(found.source).toBe('package');
    expect(found.path).toMatch(/vendor[\\/][a-z0-9_-]+[\\/]bin[\\/]codex(\.exe)?$/);
  });

  it('falls back to PATH when no package is found', () => {
    const bin = fakeBin();
    const found = resolveCodexBin({ env: { PATH: join(bin, '..') }, searchFrom: [join(tmpdir(), 'x.js')] });
    expect(found).toEqual({ path: bin, source: 'path' });
  });

  it('throws BINARY_NOT_FOUND naming all four places', () => {
    let error: unknown;
    try {
      resolveCodexBin({ env: { PATH: '' }, searchFrom: [join(tmpdir(), 'x.js')] });
    } catch (e) {
      error = e;
    }
    expect(CodexusError.is(error, 'BINARY_NOT_FOUND')).toBe(true);
    const message = (error as Error).message;
    for (const place of ['codexBin option', 'CODEXUS_CODEX_BIN', '@openai/codex', 'on PATH']) {
      expect(message).toContain(place);
    }
    expect(() => resolveCodexBin({ codexBin: '/no/such/codex' })).toThrow(/not an executable/);
  });
});
