import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codexPlatformTarget, resolveCodexBin } from './resolve-codex-bin.js';

// The lookup itself is @codexus/process's (tested there); here: the testkit's signature and error type.
const empty = mkdtempSync(join(tmpdir(), 'codexus-resolve-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));
const target = codexPlatformTarget()!;

describe('resolveCodexBin (testkit)', () => {
  it('finds the pinned @openai/codex of this repository by default, as a path', () => {
    expect(resolveCodexBin(undefined, { env: {} })).toMatch(
      new RegExp(`${target.triple}/bin/${target.binaryName}$`),
    );
  });

  it('throws TestkitError BINARY_NOT_FOUND with the message of the shared lookup', () => {
    let error: unknown;
    try {
      resolveCodexBin(undefined, { env: { PATH: empty }, searchFrom: [empty] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ name: 'TestkitError', code: 'BINARY_NOT_FOUND' });
    const text = (error as Error).message;
    for (const place of [
      'explicit codexBin option',
      'CODEXUS_CODEX_BIN',
      target.packageName,
      '`codex` on PATH',
    ]) {
      expect(text).toContain(place);
    }
    expect((error as { data: { looked: string[] } }).data.looked).toHaveLength(4);
    expect(() => resolveCodexBin(join(empty, 'missing'))).toThrow(
      expect.objectContaining({
        name: 'TestkitError',
        message: expect.stringMatching(/explicit codexBin option names/),
      }),
    );
  });
});
