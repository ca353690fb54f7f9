import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactConflictError } from './artifact-conflict.js';
import { FsArtifactStore } from './fs-artifact-store.js';
import { computeRevision } from './revision.js';
import { runArtifactStoreConformance, UNSAFE_ARTIFACT_IDS } from './testing/index.js';

runArtifactStoreConformance(
  async () => new FsArtifactStore(await mkdtemp(join(tmpdir(), 'codexus-artifact-'))),
  {
    name: 'FsArtifactStore',
    dispose: (store) => rm((store as FsArtifactStore).root, { recursive: true, force: true }),
  },
);

describe('FsArtifactStore on disk', () => {
  let parent: string;
  let root: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'codexus-artifact-parent-'));
    root = join(parent, 'root');
  });
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('persists across store instances and leaves no temporary files', async () => {
    const first = new FsArtifactStore(root);
    await first.saveTextAndMeta('notes', 'v1\n', { title: 'Notes', format: 'markdown' });
    await first.saveText('notes', 'v2\n', { expectedRevision: computeRevision('v1\n') });
    const second = new FsArtifactStore(root);
    expect(await second.loadText('notes')).toBe('v2\n');
    expect(await second.getMeta('notes')).toMatchObject({ title: 'Notes', format: 'markdown' });
    expect((await second.listRevisions('notes')).length).toBe(2);
    expect(await readdir(join(root, 'notes', 'log'))).toEqual(['000000000001.json', '000000000002.json']);
  });

  it('two stores on one root (as two processes would be) cannot both win the same revision', async () => {
    const a = new FsArtifactStore(root);
    const b = new FsArtifactStore(root);
    const base = await a.saveText('doc', 'base');
    const outcomes = await Promise.allSettled([
      a.saveText('doc', 'from a', { expectedRevision: base.revision }),
      b.saveText('doc', 'from b', { expectedRevision: base.revision }),
      a.saveText('doc', 'from a again', { expectedRevision: base.revision }),
      b.saveText('doc', 'from b again', { expectedRevision: base.revision }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBe(1);
    for (const o of outcomes)
      if (o.status === 'rejected') expect(ArtifactConflictError.isInstance(o.reason)).toBe(true);
    expect((await b.listRevisions('doc')).length).toBe(2);
  });

  it('touches nothing outside the root for an unsafe id', async () => {
    const store = new FsArtifactStore(root);
    for (const id of UNSAFE_ARTIFACT_IDS) await store.saveText(id, 'x').catch(() => {});
    expect(await readdir(parent)).toEqual([]);
    await store.saveText('ok', 'x');
    expect(await readdir(parent)).toEqual(['root']);
    expect(await readdir(root)).toEqual(['ok']);
    await expect(stat(join(parent, 'escape'))).rejects.toThrow();
  });
});
