/**
 * @codexus/artifact/testing: the conformance suite every {@link ArtifactStore} must pass. It uses
 * vitest (`describe`/`it`/`expect`), an optional peer dependency of this package.
 */
import { CodexusError } from '@codexus/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactConflictError } from '../artifact-conflict.js';
import { artifactIdProblem } from '../artifact-id.js';
import type { ArtifactStore, SaveMeta } from '../artifact-store.js';
import { computeRevision } from '../revision.js';

export interface ArtifactStoreConformanceOptions {
  /** Names the `describe` block (default `ArtifactStore conformance`). */
  name?: string;
  /** Called after each test with the store the factory made for it (e.g. to remove a directory). */
  dispose?: (store: ArtifactStore) => void | Promise<void>;
}

/** Ids that must be refused by every method: they would leave a root directory or name none. */
export const UNSAFE_ARTIFACT_IDS: readonly string[] = [
  '',
  '.',
  '..',
  '../escape',
  '../../etc/passwd',
  'a/b',
  'a\\b',
  '..\\escape',
  '/absolute',
  'C:\\windows',
  'nul\0byte',
];

/**
 * Ids at the edges of the id rule (`artifactIdProblem`), valid and invalid: every store must accept
 * exactly the ones the rule accepts (and refuse the others with `VALIDATION_FAILED`), so an id that
 * works in one store works in every store.
 */
export const EDGE_ARTIFACT_IDS: readonly string[] = [
  '..foo',
  '...',
  'x..',
  '.hidden',
  '.tmp-like',
  ' spaced ',
  'ü',
  'é'.repeat(100), // 200 UTF-8 bytes: the longest id
  'é'.repeat(101), // 202 UTF-8 bytes
  'ü'.repeat(200), // 200 characters, 400 bytes: longer than a file name may be
  'x'.repeat(200),
  'x'.repeat(201),
  '🚀'.repeat(50), // 200 bytes in 50 code points
  '\ud800', // a lone surrogate: no UTF-8 spelling
  'a\udc00b',
  ...UNSAFE_ARTIFACT_IDS,
];

/**
 * Registers the conformance tests for a store. `factory` makes a fresh, empty store per test.
 *
 * ```ts
 * import { runArtifactStoreConformance } from '@codexus/artifact/testing';
 * runArtifactStoreConformance(() => new MyStore(), { name: 'MyStore' });
 * ```
 */
export function runArtifactStoreConformance(
  factory: () => ArtifactStore | Promise<ArtifactStore>,
  options: ArtifactStoreConformanceOptions = {},
): void {
  describe(options.name ?? 'ArtifactStore conformance', () => {
    const made: ArtifactStore[] = [];
    const fresh = async (): Promise<ArtifactStore> => {
      const store = await factory();
      made.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of made.splice(0)) await options.dispose?.(store);
    });

    it('knows nothing about an artifact never saved', async () => {
      const store = await fresh();
      expect(await store.loadText('missing')).toBeUndefined();
      expect(await store.getMeta('missing')).toBeUndefined();
      expect(await store.listRevisions('missing')).toEqual([]);
      expect(await store.loadRevision('missing', computeRevision(''))).toBeUndefined();
    });

    it('saves and loads text exactly, with the revision of the text and default meta', async () => {
      const store = await fresh();
      for (const text of ['', 'plain', 'a\r\nb\n', 'ünï©ødé 🚀\n', '\n\n\0']) {
        const meta = await store.saveText('doc', text);
        expect(meta).toEqual({ title: 'doc', format: 'text', revision: computeRevision(text) });
        expect(await store.loadText('doc')).toBe(text);
        expect(await store.getMeta('doc')).toEqual(meta);
      }
    });

    it('saves text and meta in one step; absent fields are kept', async () => {
      const store = await fresh();
      const first = await store.saveTextAndMeta('doc', 'v1', {
        title: 'Plan',
        format: 'markdown',
        threadId: 't-1',
      });
      expect(first).toEqual({
        title: 'Plan',
        format: 'markdown',
        revision: computeRevision('v1'),
        threadId: 't-1',
      });
      const second = await store.saveTextAndMeta('doc', 'v2', { title: 'Plan 2' });
      expect(second).toEqual({
        title: 'Plan 2',
        format: 'markdown',
        revision: computeRevision('v2'),
        threadId: 't-1',
      });
      expect(await store.saveText('doc', 'v3')).toMatchObject({
        title: 'Plan 2',
        format: 'markdown',
        threadId: 't-1',
      });
    });

    it('keeps every revision, oldest first, so history can be listed and restored', async () => {
      const store = await fresh();
      const save: SaveMeta = {
        taskKind: 'docEdit',
        threadId: 'thr',
        turnId: 'turn',
        previousRevision: computeRevision('one'),
        nextRevision: computeRevision('two'),
      };
      await store.saveText('doc', 'one');
      await store.saveText('doc', 'two', { expectedRevision: computeRevision('one'), save });
      await store.saveTextAndMeta('doc', 'three', { title: 'T' });
      const history = await store.listRevisions('doc');
      expect(history.map((r) => r.revision)).toEqual(['one', 'two', 'three'].map(computeRevision));
      expect(history.map((r) => r.previousRevision)).toEqual([
        null,
        computeRevision('one'),
        computeRevision('two'),
      ]);
      expect(history[1]!.save).toEqual(save);
      expect(history[0]!.save).toBeUndefined();
      expect(history[2]!.title).toBe('T');
      for (const r of history) expect(r.savedAtMs).toBeTypeOf('number');
      expect(await store.loadRevision('doc', computeRevision('one'))).toBe('one');
      expect(await store.loadRevision('doc', computeRevision('two'))).toBe('two');
      expect(await store.loadRevision('doc', computeRevision('never'))).toBeUndefined();
      expect(await store.loadRevision('doc', 'not a revision')).toBeUndefined();
      // Restoring is saving an old text again: a new revision, history kept.
      const old = (await store.loadRevision('doc', computeRevision('one')))!;
      await store.saveText('doc', old, { expectedRevision: computeRevision('three') });
      expect(await store.loadText('doc')).toBe('one');
      expect((await store.listRevisions('doc')).length).toBe(4);
    });

    it('refuses a save with a stale or wrong expectedRevision, changing nothing', async () => {
      const store = await fresh();
      await expectConflict(store.saveText('doc', 'x', { expectedRevision: computeRevision('other') }), {
        expected: computeRevision('other'),
        actual: null,
      });
      expect(await store.getMeta('doc')).toBeUndefined();
      await store.saveText('doc', 'v1', { expectedRevision: null });
      await store.saveText('doc', 'v2', { expectedRevision: computeRevision('v1') });
      await expectConflict(store.saveText('doc', 'v3', { expectedRevision: computeRevision('v1') }), {
        expected: computeRevision('v1'),
        actual: computeRevision('v2'),
      });
      await expectConflict(store.saveTextAndMeta('doc', 'v3', { title: 'no' }, { expectedRevision: null }), {
        expected: null,
        actual: computeRevision('v2'),
      });
      expect(await store.loadText('doc')).toBe('v2');
      expect(await store.getMeta('doc')).toMatchObject({ title: 'doc' });
      expect((await store.listRevisions('doc')).length).toBe(2);
    });

    it('lets exactly one of concurrent saves expecting the same revision win; no update is lost', async () => {
      const store = await fresh();
      const base = await store.saveText('doc', 'base');
      const texts = Array.from({ length: 8 }, (_, i) => `writer ${i}`);
      const outcomes = await Promise.allSettled(
        texts.map((t) => store.saveText('doc', t, { expectedRevision: base.revision })),
      );
      const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [texts[i]!] : []));
      expect(won.length).toBe(1);
      for (const o of outcomes) {
        if (o.status === 'rejected') {
          expect(ArtifactConflictError.isInstance(o.reason)).toBe(true);
          expect((o.reason as ArtifactConflictError).conflict).toMatchObject({ kind: 'revisionMismatch' });
        }
      }
      expect(await store.loadText('doc')).toBe(won[0]);
      expect((await store.listRevisions('doc')).length).toBe(2);
    });

    it('keeps every one of concurrent unconditional saves as a revision', async () => {
      const store = await fresh();
      const texts = Array.from({ length: 6 }, (_, i) => `text ${i}`);
      await Promise.all(texts.map((t) => store.saveText('doc', t)));
      const history = await store.listRevisions('doc');
      expect(history.map((r) => r.revision).sort()).toEqual(texts.map(computeRevision).sort());
      // The chain has no gap: each save replaced the one before it.
      history.forEach((r, i) => {
        expect(r.previousRevision).toBe(i === 0 ? null : history[i - 1]!.revision);
      });
    });

    it('sets meta without a new revision; checks expectedRevision; refuses a missing artifact', async () => {
      const store = await fresh();
      await expect(store.setMeta('doc', { title: 'x' })).rejects.toSatisfy((e) =>
        CodexusError.is(e, 'VALIDATION_FAILED'),
      );
      const saved = await store.saveText('doc', 'body');
      const meta = await store.setMeta(
        'doc',
        { title: 'Named', threadId: 'thr-9' },
        { expectedRevision: saved.revision },
      );
      expect(meta).toEqual({ title: 'Named', format: 'text', revision: saved.revision, threadId: 'thr-9' });
      expect(await store.getMeta('doc')).toEqual(meta);
      expect(await store.loadText('doc')).toBe('body');
      expect((await store.listRevisions('doc')).length).toBe(1);
      await expectConflict(
        store.setMeta('doc', { title: 'late' }, { expectedRevision: computeRevision('old') }),
        {
          expected: computeRevision('old'),
          actual: saved.revision,
        },
      );
      // A save after a meta change still expects the text revision only.
      await store.saveText('doc', 'body 2', { expectedRevision: saved.revision });
      expect(await store.getMeta('doc')).toMatchObject({ title: 'Named', threadId: 'thr-9' });
    });

    it('refuses a SaveMeta whose nextRevision is not the revision of the text, and bad meta', async () => {
      const store = await fresh();
      const save: SaveMeta = {
        taskKind: 'docGenerate',
        threadId: 't',
        turnId: 'u',
        previousRevision: null,
        nextRevision: computeRevision('something else'),
      };
      await expect(store.saveText('doc', 'text', { save })).rejects.toSatisfy((e) =>
        CodexusError.is(e, 'VALIDATION_FAILED'),
      );
      await expect(store.saveTextAndMeta('doc', 'text', { format: '' })).rejects.toSatisfy((e) =>
        CodexusError.is(e, 'VALIDATION_FAILED'),
      );
      expect(await store.getMeta('doc')).toBeUndefined();
    });

    it('keeps artifacts apart', async () => {
      const store = await fresh();
      await store.saveText('a', 'A');
      await store.saveText('b', 'B');
      expect(await store.loadText('a')).toBe('A');
      expect(await store.loadText('b')).toBe('B');
      expect(await store.loadRevision('a', computeRevision('B'))).toBeUndefined();
    });

    it('accepts exactly the ids the shared id rule accepts, and refuses the rest before storing', async () => {
      const store = await fresh();
      for (const id of EDGE_ARTIFACT_IDS) {
        const label = JSON.stringify(id);
        const valid = artifactIdProblem(id) === undefined;
        const saved = await store.saveText(id, `text of ${label}`).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (valid) {
          expect(saved, label).toBeUndefined();
          expect(await store.loadText(id), label).toBe(`text of ${label}`);
          expect((await store.listRevisions(id)).length, label).toBe(1);
        } else {
          expect(CodexusError.is(saved, 'VALIDATION_FAILED'), `${label}: ${String(saved)}`).toBe(true);
          await expect(store.loadText(id), label).rejects.toSatisfy((e) =>
            CodexusError.is(e, 'VALIDATION_FAILED'),
          );
        }
      }
    });

    it('refuses ids that would escape the root, in every method', async () => {
      const store = await fresh();
      for (const id of UNSAFE_ARTIFACT_IDS) {
        const calls: Promise<unknown>[] = [
          store.loadText(id),
          store.saveText(id, 'x'),
          store.saveTextAndMeta(id, 'x', {}),
          store.getMeta(id),
          store.setMeta(id, { title: 'x' }),
          store.listRevisions(id),
          store.loadRevision(id, computeRevision('x')),
        ];
        for (const call of calls) {
          await expect(call, JSON.stringify(id)).rejects.toSatisfy((e) =>
            CodexusError.is(e, 'VALIDATION_FAILED'),
          );
        }
      }
    });
  });
}

async function expectConflict(
  promise: Promise<unknown>,
  revisions: { expected: string | null; actual: string | null },
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ArtifactConflictError.isInstance(error), 'expected an ArtifactConflictError').toBe(true);
  expect((error as ArtifactConflictError).conflict).toEqual({ kind: 'revisionMismatch', ...revisions });
}
