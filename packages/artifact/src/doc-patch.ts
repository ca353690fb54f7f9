import { CodexusError } from '@codexus/core';
import type { PatchConflict } from './artifact-conflict.js';
import { computeRevision } from './revision.js';

/**
 * Replaces lines `startLine .. endLine - 1` (1-based, `endLine` exclusive) with `replacement`.
 * `startLine === endLine` inserts before that line; `N + 1` (N = number of lines) appends.
 * `replacement` is whole lines: `""` deletes the range, `"a\nb"` and `"a\nb\n"` are both the two
 * lines `a` and `b` (one final newline is optional), `"\n"` is one empty line.
 */
export interface DocEdit {
  startLine: number;
  endLine: number;
  replacement: string;
}

/** A change to a text, made for the text of revision `expectedRevision`. */
export interface DocPatch {
  /** The format of the text after the patch (e.g. `markdown`). */
  format: string;
  expectedRevision: string;
  /** Sorted by `startLine`, not overlapping. */
  edits: readonly DocEdit[];
  notes?: string;
}

declare const validatedBrand: unique symbol;

/** A patch {@link validateDocPatch} accepted for one text; only such a patch can be applied. */
export type ValidatedDocPatch = DocPatch & {
  /** The number of lines of the text it was validated for. */
  readonly baseLineCount: number;
  readonly [validatedBrand]: true;
};

export type DocPatchValidation =
  | { ok: true; patch: ValidatedDocPatch }
  | { ok: false; conflict: PatchConflict };

/**
 * The lines of a text: split at `\n`; a final newline ends the last line rather than starting an
 * empty one, so `"a\nb\n"` and `"a\nb"` both have the lines `a`, `b`, and `""` has none. A `\r`
 * before a `\n` stays part of its line.
 */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

/**
 * Checks a patch against a text, purely, in O(length of the text + edits): the revision of `text`
 * must be `patch.expectedRevision`; every edit must satisfy `1 <= startLine <= endLine <= N + 1`
 * (integers); edits must be sorted by `startLine` and must not overlap (an edit may start where the
 * previous one ends). Returns the validated patch, or the first {@link PatchConflict}.
 */
export function validateDocPatch(text: string, patch: DocPatch): DocPatchValidation {
  const actual = computeRevision(text);
  if (patch.expectedRevision !== actual) {
    return { ok: false, conflict: { kind: 'revisionMismatch', expected: patch.expectedRevision, actual } };
  }
  const lineCount = countLines(text);
  let previous: DocEdit | undefined;
  for (const [editIndex, edit] of patch.edits.entries()) {
    const { startLine, endLine } = edit;
    if (
      !Number.isInteger(startLine) ||
      !Number.isInteger(endLine) ||
      startLine < 1 ||
      startLine > endLine ||
      endLine > lineCount + 1
    ) {
      return { ok: false, conflict: { kind: 'invalidRange', editIndex, startLine, endLine, lineCount } };
    }
    if (previous && startLine < previous.startLine) {
      return {
        ok: false,
        conflict: { kind: 'notSorted', editIndex, startLine, previousStartLine: previous.startLine },
      };
    }
    if (previous && startLine < previous.endLine) {
      return {
        ok: false,
        conflict: { kind: 'overlap', editIndex, startLine, previousEndLine: previous.endLine },
      };
    }
    previous = edit;
  }
  return {
    ok: true,
    patch: { ...patch, edits: [...patch.edits], baseLineCount: lineCount } as unknown as ValidatedDocPatch,
  };
}

/**
 * Applies a validated patch to the text it was validated for, purely: the edits are applied from
 * the last to the first, so earlier line numbers stay valid, in O(lines + edits). The text keeps its
 * final newline (an empty text gets one once it has lines). Throws `VALIDATION_FAILED` when `text`
 * does not have the line count the patch was validated for.
 */
export function applyDocPatch(text: string, patch: ValidatedDocPatch): string {
  const lines = splitLines(text);
  if (lines.length !== patch.baseLineCount) {
    throw new CodexusError(
      'VALIDATION_FAILED',
      `applyDocPatch: the patch was validated for a text of ${patch.baseLineCount} line(s), this one has ${lines.length}`,
      { data: { expectedLineCount: patch.baseLineCount, lineCount: lines.length } },
    );
  }
  // Collected back to front, then reversed: each edit's line numbers refer to the original text.
  const chunks: string[][] = [];
  let cut = lines.length;
  for (let i = patch.edits.length - 1; i >= 0; i--) {
    const edit = patch.edits[i]!;
    chunks.push(lines.slice(edit.endLine - 1, cut), splitLines(withFinalNewline(edit.replacement)));
    cut = edit.startLine - 1;
  }
  chunks.push(lines.slice(0, cut));
  const result = chunks.reverse().flat();
  if (result.length === 0) return '';
  const finalNewline = text === '' || text.endsWith('\n');
  return result.join('\n') + (finalNewline ? '\n' : '');
}

/** `"a"` → `"a\n"`; `""` stays empty (no lines). */
function withFinalNewline(replacement: string): string {
  return replacement === '' || replacement.endsWith('\n') ? replacement : `${replacement}\n`;
}

function countLines(text: string): number {
  if (text === '') return 0;
  let count = 0;
  let at = text.indexOf('\n');
  while (at !== -1) {
    count++;
    at = text.indexOf('\n', at + 1);
  }
  return text.endsWith('\n') ? count : count + 1;
}
