import { CodexusError } from '@codexus/core';

/** The longest artifact id accepted (it becomes one directory name in {@link FsArtifactStore}). */
export const MAX_ARTIFACT_ID_LENGTH = 200;

/**
 * Why `id` cannot name an artifact, or `undefined` when it can. An id is one path segment: not empty,
 * not `.` or `..`, no `/`, `\`, `:` or NUL (so no absolute, drive-relative or escaping path), no
 * control characters, at most {@link MAX_ARTIFACT_ID_LENGTH} characters.
 */
export function artifactIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'an artifact id must be a string';
  if (id.length === 0) return 'an artifact id must not be empty';
  if (id.length > MAX_ARTIFACT_ID_LENGTH)
    return `an artifact id has at most ${MAX_ARTIFACT_ID_LENGTH} characters`;
  if (id === '.' || id === '..') return `"${id}" would name a directory outside the artifact`;
  if (/[/\\:]/.test(id)) return 'an artifact id must not contain "/", "\\" or ":" (it would be a path)';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here
  if (/[\u0000-\u001f\u007f]/.test(id)) return 'an artifact id must not contain NUL or control characters';
  return undefined;
}

/** Throws `VALIDATION_FAILED` (with `data.artifactId`) unless `id` is a valid artifact id. */
export function assertArtifactId(id: unknown): asserts id is string {
  const problem = artifactIdProblem(id);
  if (problem !== undefined) {
    throw new CodexusError('VALIDATION_FAILED', `invalid artifact id ${JSON.stringify(id)}: ${problem}`, {
      data: { artifactId: id },
    });
  }
}
