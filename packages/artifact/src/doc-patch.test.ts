import { CodexusError } from '@codexus/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDocPatch, type DocEdit, type DocPatch, splitLines, validateDocPatch } from './doc-patch.js';
import { computeRevision } from './revision.js';

/** The reference: split into lines, splice each edit in from the last to the first, join. */
function referenceSplice(text: string, edits: readonly DocEdit[]): string {
  const lines = (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).map((l) => (l.endsWith('\n') ? l.slice(0, -1) : l));
  for (const edit of [...edits].reverse()) {
    const r = edit.replacement;
    const replacement = r === '' ? [] : (r.endsWith('\n') ? r.slice(0, -1) : r).split('\n');
    lines.splice(edit.startLine - 1, edit.endLine - edit.startLine, ...replacement);
  }
  if (lines.length === 0) return '';
  const joined = lines.map((l) => `${l}\n`).join('');
  return text === '' || text.endsWith('\n') ? joined : joined.slice(0, -1);
}

const patchFor = (text: string, edits: DocEdit[]): DocPatch => ({
  format: 'markdown',
  expectedRevision: computeRevision(text),
  edits,
});

function apply(text: string, edits: DocEdit[]): string {
  const checked = validateDocPatch(text, patchFor(text, edits));
  if (!checked.ok) throw new Error(`unexpected conflict ${JSON.stringify(checked.conflict)}`);
  return applyDocPatch(text, checked.patch);
}

const textArb = fc.string({ unit: fc.constantFrom('a', 'b', 'é', ' ', '\n', '\n', '\r'), maxLength: 60 });

/** A text and sorted, non-overlapping edits that fit it (pairs of sorted cut points). */
const textAndEdits = textArb.chain((text) => {
  const max = splitLines(text).length + 1;
  return fc
    .tuple(
      fc.array(fc.integer({ min: 1, max }), { maxLength: 10 }),
      fc.array(textArb, { minLength: 5, maxLength: 5 }),
    )
    .map(([cuts, replacements]) => {
      const sorted = [...cuts].sort((a, b) => a - b);
      const edits: DocEdit[] = [];
      for (let i = 0; i + 1 < sorted.length; i += 2) {
        edits.push({
          startLine: sorted[i]!,
          endLine: sorted[i + 1]!,
          replacement: replacements[(i / 2) % 5]!,
        });
      }
      return { text, edits };
    });
});

describe('splitLines', () => {
  it('ends the last line with a final newline instead of starting an empty one', () => {
    expect(splitLines('')).toEqual([]);
    expect(splitLines('a')).toEqual(['a']);
    expect(splitLines('a\n')).toEqual(['a']);
    expect(splitLines('a\nb')).toEqual(['a', 'b']);
    expect(splitLines('\n')).toEqual(['']);
    expect(splitLines('a\n\n')).toEqual(['a', '']);
    expect(splitLines('a\r\nb')).toEqual(['a\r', 'b']);
  });
});

describe('validateDocPatch + applyDocPatch', () => {
  const doc = 'one\ntwo\nthree\n';

  it('replaces, inserts, appends and deletes whole lines', () => {
    expect(apply(doc, [{ startLine: 2, endLine: 3, replacement: 'TWO' }])).toBe('one\nTWO\nthree\n');
    expect(apply(doc, [{ startLine: 1, endLine: 1, replacement: 'zero\n' }])).toBe('zero\none\ntwo\nthree\n');
    expect(apply(doc, [{ startLine: 4, endLine: 4, replacement: 'four' }])).toBe('one\ntwo\nthree\nfour\n');
    expect(apply(doc, [{ startLine: 1, endLine: 3, replacement: '' }])).toBe('three\n');
    expect(apply(doc, [{ startLine: 1, endLine: 4, replacement: '' }])).toBe('');
    expect(apply(doc, [{ startLine: 2, endLine: 2, replacement: '\n' }])).toBe('one\n\ntwo\nthree\n');
  });

  it('applies several edits against the original line numbers', () => {
    const edits = [
      { startLine: 1, endLine: 2, replacement: 'ONE\nONE-B' },
      { startLine: 2, endLine: 2, replacement: 'between' },
      { startLine: 3, endLine: 4, replacement: 'THREE' },
    ];
    expect(apply(doc, edits)).toBe('ONE\nONE-B\nbetween\ntwo\nTHREE\n');
  });

  it('keeps a missing final newline, and gives an empty text one', () => {
    expect(apply('a\nb', [{ startLine: 3, endLine: 3, replacement: 'c' }])).toBe('a\nb\nc');
    expect(apply('', [{ startLine: 1, endLine: 1, replacement: 'first' }])).toBe('first\n');
    expect(apply('a\nb', [])).toBe('a\nb');
  });

  it('reports a revision mismatch first', () => {
    const result = validateDocPatch(doc, { ...patchFor('other', []), edits: [] });
    expect(result).toEqual({
      ok: false,
      conflict: {
        kind: 'revisionMismatch',
        expected: computeRevision('other'),
        actual: computeRevision(doc),
      },
    });
  });

  it('reports invalid ranges, unsorted and overlapping edits with the edit index', () => {
    const conflict = (edits: DocEdit[]) => {
      const r = validateDocPatch(doc, patchFor(doc, edits));
      return r.ok ? undefined : r.conflict;
    };
    const e = (startLine: number, endLine: number): DocEdit => ({ startLine, endLine, replacement: 'x' });
    expect(conflict([e(0, 1)])).toEqual({
      kind: 'invalidRange',
      editIndex: 0,
      startLine: 0,
      endLine: 1,
      lineCount: 3,
    });
    expect(conflict([e(1, 5)])).toMatchObject({ kind: 'invalidRange', endLine: 5 });
    expect(conflict([e(1, 2), e(3, 2)])).toMatchObject({ kind: 'invalidRange', editIndex: 1 });
    expect(conflict([e(1.5, 2)])).toMatchObject({ kind: 'invalidRange' });
    expect(conflict([e(2, 3), e(1, 2)])).toEqual({
      kind: 'notSorted',
      editIndex: 1,
      startLine: 1,
      previousStartLine: 2,
    });
    expect(conflict([e(1, 3), e(2, 4)])).toEqual({
      kind: 'overlap',
      editIndex: 1,
      startLine: 2,
      previousEndLine: 3,
    });
    expect(conflict([e(2, 3), e(2, 2)])).toMatchObject({ kind: 'overlap' });
    // Touching ranges and two inserts at one place are fine.
    expect(conflict([e(1, 2), e(2, 3), e(3, 3), e(3, 3)])).toBeUndefined();
  });

  it('is pure: neither the text nor the patch changes, and a patch only applies to its text', () => {
    const edits = [{ startLine: 1, endLine: 2, replacement: 'x' }];
    const patch = patchFor(doc, edits);
    const frozen = structuredClone(patch);
    const checked = validateDocPatch(doc, patch);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(applyDocPatch(doc, checked.patch)).toBe(applyDocPatch(doc, checked.patch));
    expect(patch).toEqual(frozen);
    expect(() => applyDocPatch('just one line', checked.patch)).toThrow(CodexusError);
  });

  it('property: applying a validated patch equals the reference line-splice', () => {
    fc.assert(
      fc.property(textAndEdits, ({ text, edits }) => {
        const checked = validateDocPatch(text, patchFor(text, edits));
        expect(checked.ok).toBe(true);
        if (checked.ok) expect(applyDocPatch(text, checked.patch)).toBe(referenceSplice(text, edits));
      }),
      { numRuns: 500 },
    );
  });

  it('property: no edits is the identity, and any text round-trips through its lines', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        expect(apply(text, [])).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('property: the validator accepts exactly the patches the rules allow', () => {
    const editArb = fc.record({
      startLine: fc.integer({ min: -1, max: 8 }),
      endLine: fc.integer({ min: -1, max: 8 }),
      replacement: fc.constant('x'),
    });
    fc.assert(
      fc.property(textArb, fc.array(editArb, { maxLength: 4 }), (text, edits) => {
        const n = splitLines(text).length;
        const fits = edits.every((e) => e.startLine >= 1 && e.startLine <= e.endLine && e.endLine <= n + 1);
        const ordered = edits.every((e, i) => i === 0 || e.startLine >= edits[i - 1]!.endLine);
        const checked = validateDocPatch(text, patchFor(text, edits));
        expect(checked.ok).toBe(fits && ordered);
        if (checked.ok) expect(applyDocPatch(text, checked.patch)).toBe(referenceSplice(text, edits));
      }),
      { numRuns: 500 },
    );
  });

  it('is linear: 100 000 lines and 25 000 edits in a fraction of a second', () => {
    const text = Array.from({ length: 100_000 }, (_, i) => `line ${i}`).join('\n');
    const edits = Array.from({ length: 25_000 }, (_, i) => ({
      startLine: i * 4 + 1,
      endLine: i * 4 + 3,
      replacement: `edited ${i}`,
    }));
    const started = performance.now();
    const result = apply(text, edits);
    const elapsed = performance.now() - started;
    expect(splitLines(result).length).toBe(100_000 - 25_000);
    // A quadratic splice would take minutes here.
    expect(elapsed).toBeLessThan(2_000);
  });
});
