import { CodexusError } from '@codexus/core';

/**
 * The longest artifact id accepted, in UTF-8 bytes: it becomes one directory name in
 * {@link FsArtifactStore}, and file systems limit a name in bytes (255 on most), not in characters.
 */
export const MAX_ARTIFACT_ID_BYTES = 200;

/** A UTF-16 surrogate without its other half (such a string has no UTF-8 spelling). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why `id` cannot name an artifact, or `undefined` when it can. This is the one id rule of every
 * store (the stores call nothing else, so an id valid in one store is valid in all). An id is one
 * path segment: not empty, not `.` or `..`, no `/`, `\`, `:` or NUL (so no absolute, drive-relative
 * or escaping path), no control characters, no lone surrogate (it would be written as U+FFFD, so two
 * ids could name one file), at most {@link MAX_ARTIFACT_ID_BYTES} bytes in UTF-8.
 */
export function artifactIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'an artifact id must be a string';
  if (id.length === 0) return 'an artifact id must not be empty';
  // Checked before anything that scans the whole string: a huge id costs one length check.
  if (id.length > MAX_ARTIFACT_ID_BYTES || Buffer.byteLength(id, 'utf8') > MAX_ARTIFACT_ID_BYTES)
    return `an artifact id has at most ${MAX_ARTIFACT_ID_BYTES} bytes in UTF-8`;
  if (id === '.' || id === '..') return `"${id}" would name a directory outside the artifact`;
  if (/[/\\:]/.test(id)) return 'an artifact id must not contain "/", "\\" or ":" (it would be a path)';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here
  if (/[\u0000-\u001f\u007f]/.test(id)) return 'an artifact id must not contain NUL or control characters';
  if (LONE_SURROGATE.test(id)) return 'an artifact id must be well-formed Unicode (no lone surrogate)';
  return undefined;
}

/** Throws `VALIDATION_FAILED` (with `data.artifactId`) unless `id` is a valid artifact id. */
export function assertArtifactId(id: unknown): asserts id is string {
  const problem = artifactIdProblem(id);
  if (problem !== undefined) {
    throw new CodexusError('VALIDATION_FAILED', `invalid artifact id ${describeId(id)}: ${problem}`, {
      data: { artifactId: id },
    });
  }
}

/** The id for a message: quoted, and cut short when long (the whole id stays in `data.artifactId`). */
function describeId(id: unknown): string {
  const text = JSON.stringify(id) ?? String(id);
  return text.length > 80 ? `${text.slice(0, 60)}… (${text.length} chars)` : text;
}
