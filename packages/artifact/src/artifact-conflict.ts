import { CodexusError } from '@codexus/core';

/**
 * Why a change could not be applied. `revisionMismatch`: the text is not the one the change was
 * made for (a stale `expectedRevision`, or a concurrent save between read and save; `null` = no
 * artifact). The others: a {@link DocPatch} whose edits do not fit the text (`invalidRange`), are not
 * sorted by `startLine` (`notSorted`), or overlap the edit before them (`overlap`).
 */
export type PatchConflict =
  | { kind: 'revisionMismatch'; expected: string | null; actual: string | null }
  | { kind: 'invalidRange'; editIndex: number; startLine: number; endLine: number; lineCount: number }
  | { kind: 'notSorted'; editIndex: number; startLine: number; previousStartLine: number }
  | { kind: 'overlap'; editIndex: number; startLine: number; previousEndLine: number };

export type PatchConflictKind = PatchConflict['kind'];

/**
 * A change that was refused so that nothing is lost: the stored text is unchanged. Carries the typed
 * {@link PatchConflict} in `conflict` (also in `data.conflict`).
 * Its `code` is `CONFLICT`.
 */
export class ArtifactConflictError extends CodexusError {
  static override readonly brand: string = 'codexus.artifact.ArtifactConflictError';
  readonly conflict: PatchConflict;
  readonly artifactId: string | undefined;

  constructor(conflict: PatchConflict, options: { artifactId?: string; cause?: unknown } = {}) {
    const where = options.artifactId === undefined ? '' : ` on artifact "${options.artifactId}"`;
    super('CONFLICT', `conflict${where}: ${describeConflict(conflict)}`, {
      cause: options.cause,
      data: { conflict, artifactId: options.artifactId },
    });
    this.name = 'ArtifactConflictError';
    this.conflict = conflict;
    this.artifactId = options.artifactId;
  }
}

/** One sentence for people. */
export function describeConflict(conflict: PatchConflict): string {
  switch (conflict.kind) {
    case 'revisionMismatch':
      return `expected revision ${conflict.expected ?? '(none: a new artifact)'}, but it is ${conflict.actual ?? '(none: no artifact)'}`;
    case 'invalidRange':
      return `edit ${conflict.editIndex} has lines ${conflict.startLine}..${conflict.endLine} (end exclusive), but the text has ${conflict.lineCount} line(s): need 1 <= startLine <= endLine <= ${conflict.lineCount + 1}`;
    case 'notSorted':
      return `edit ${conflict.editIndex} starts at line ${conflict.startLine}, before the previous edit (line ${conflict.previousStartLine}): edits must be sorted by startLine`;
    case 'overlap':
      return `edit ${conflict.editIndex} starts at line ${conflict.startLine}, inside the previous edit (which ends before line ${conflict.previousEndLine})`;
  }
}
