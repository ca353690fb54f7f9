import { describe, expect, it } from 'vitest';
import { computeRevision, isRevision } from './revision.js';

describe('computeRevision', () => {
  it('is sha256 of the UTF-8 text, prefixed', () => {
    expect(computeRevision('')).toBe(
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(computeRevision('abc')).toBe(
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    // Non-ASCII text is hashed as UTF-8.
    expect(computeRevision('\u00e9')).toBe(
      'sha256:4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c',
    );
    expect(computeRevision('a\r\n')).not.toBe(computeRevision('a\n'));
  });

  it('isRevision accepts exactly that form', () => {
    expect(isRevision(computeRevision('x'))).toBe(true);
    for (const bad of [
      '',
      'sha256:',
      'sha256:XYZ',
      `sha1:${'0'.repeat(64)}`,
      `sha256:${'0'.repeat(63)}`,
      42,
      null,
    ]) {
      expect(isRevision(bad)).toBe(false);
    }
  });
});
