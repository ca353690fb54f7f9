import { CodexusError } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { artifactIdProblem, assertArtifactId, MAX_ARTIFACT_ID_LENGTH } from './artifact-id.js';

describe('artifact ids', () => {
  it('accepts one plain path segment', () => {
    for (const id of ['doc', 'release-notes_v2.md', 'a b', '.hidden', '..x', 'x..', 'ü', 'x'.repeat(200)]) {
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
      'x'.repeat(MAX_ARTIFACT_ID_LENGTH + 1),
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
