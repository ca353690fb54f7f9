import { CodexusError } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { artifactIdProblem, assertArtifactId, MAX_ARTIFACT_ID_BYTES } from './artifact-id.js';

describe('artifact ids', () => {
  it('accepts one plain path segment', () => {
    const valid = ['doc', 'release-notes_v2.md', 'a b', '.hidden', '..x', '...', 'x..', 'ü', 'x'.repeat(200)];
    for (const id of [
      ...valid,
      'é'.repeat(MAX_ARTIFACT_ID_BYTES / 2),
      '🚀'.repeat(MAX_ARTIFACT_ID_BYTES / 4),
    ]) {
      expect(artifactIdProblem(id)).toBeUndefined();
      expect(() => assertArtifactId(id)).not.toThrow();
    }
  });

  it('refuses ids that would escape a root directory or are no segment', () => {
    const bad = [
      '',
      '.',
      '..',
      '../x',
      'a/../../etc',
      'a/b',
      'a\\b',
      '..\\x',
      '/etc/passwd',
      'C:\\x',
      'C:x',
      'a\0b',
      'a\nb',
      'x'.repeat(MAX_ARTIFACT_ID_BYTES + 1),
      // The limit is in UTF-8 bytes (a file name's limit), not in characters.
      'é'.repeat(MAX_ARTIFACT_ID_BYTES / 2 + 1),
      'ü'.repeat(MAX_ARTIFACT_ID_BYTES),
      '🚀'.repeat(MAX_ARTIFACT_ID_BYTES / 4 + 1),
      // Lone surrogates have no UTF-8 spelling: two such ids would name one file.
      '\ud800',
      'a\udc00b',
      '\udc00\ud800',
      42,
      undefined,
    ];
    for (const id of bad) {
      expect(artifactIdProblem(id), String(id)).toBeTypeOf('string');
      let thrown: unknown;
      try {
        assertArtifactId(id);
      } catch (error) {
        thrown = error;
      }
      expect(CodexusError.is(thrown, 'VALIDATION_FAILED')).toBe(true);
      expect((thrown as CodexusError).data).toEqual({ artifactId: id });
    }
  });
});
