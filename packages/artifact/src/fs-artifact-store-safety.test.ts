import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodexusError } from '@codexus/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsArtifactStore } from './fs-artifact-store.js';

const posix = process.platform !== 'win32';

/** The pid of a process that has exited (and was reaped): no process has it right now. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

async function refusal(promise: Promise<unknown>): Promise<CodexusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(CodexusError.is(error, 'VALIDATION_FAILED'), String(error)).toBe(true);
  return error as CodexusError;
}

describe.runIf(posix)('FsArtifactStore does not follow planted links', () => {
  let parent: string;
  let root: string;
  let outside: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'codexus-artifact-safety-'));
    root = join(parent, 'root');
    outside = join(parent, 'outside');
    await mkdir(root);
    await mkdir(outside);
  });
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('refuses an artifact directory that is a symlink to outside the root, writing nothing there', async () => {
    await symlink(outside, join(root, 'doc'));
    const store = new FsArtifactStore(root);
    const error = await refusal(store.saveText('doc', 'secret'));
    expect(error.data).toMatchObject({ artifactId: 'doc', path: join(root, 'doc') });
    await refusal(store.loadText('doc'));
    await refusal(store.listRevisions('doc'));
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses a log directory that is a symlink to outside the root', async () => {
    await mkdir(join(root, 'doc'));
    await symlink(outside, join(root, 'doc', 'log'));
    const store = new FsArtifactStore(root);
    await refusal(store.saveText('doc', 'secret'));
    await refusal(store.getMeta('doc'));
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses a log entry that is a symlink, instead of reading what it points at', async () => {
    const store = new FsArtifactStore(root);
    await store.saveText('doc', 'mine');
    const planted = join(outside, 'entry.json');
    // A valid entry, so following the link would "work" and return text from outside the root.
    await writeFile(planted, await readFile(join(root, 'doc', 'log', '000000000001.json'), 'utf8'));
    await symlink(planted, join(root, 'doc', 'log', '000000000002.json'));
    const error = await refusal(store.loadText('doc'));
    expect(error.data).toMatchObject({ path: join(root, 'doc', 'log', '000000000002.json') });
    await refusal(store.saveText('doc', 'next'));
  });

  it('refuses a log entry that is not a regular file (a FIFO would block a reader)', async () => {
    const store = new FsArtifactStore(root);
    await store.saveText('doc', 'mine');
    execFileSync('mkfifo', [join(root, 'doc', 'log', '000000000002.json')]);
    await refusal(store.loadText('doc'));
  });
});

describe.runIf(posix)('FsArtifactStore files on disk', () => {
  let parent: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'codexus-artifact-disk-'));
  });
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('creates private directories (0700) and entries (0600)', async () => {
    const root = join(parent, 'root');
    const store = new FsArtifactStore(root);
    await store.saveText('doc', 'private');
    await store.setMeta('doc', { title: 'Private' });
    const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;
    for (const dir of [root, join(root, 'doc'), join(root, 'doc', 'log')])
      expect(await mode(dir), dir).toBe(0o700);
    const log = join(root, 'doc', 'log');
    const entries = await readdir(log);
    expect(entries.length).toBe(2);
    for (const entry of entries) expect(await mode(join(log, entry)), entry).toBe(0o600);
  });

  it('removes temporary files left by a killed commit on the next commit of that id, keeping live ones', async () => {
    const root = join(parent, 'root');
    const store = new FsArtifactStore(root);
    await store.saveText('doc', 'v1');
    const log = join(root, 'doc', 'log');
    const killed = `.tmp-${deadPid()}-${randomUUID()}`;
    const ownLeftover = `.tmp-${process.pid}-${randomUUID()}`;
    const unnamed = `.tmp-${randomUUID()}`; // no pid in the name: judged by its age
    const aged = new Date(Date.now() - 24 * 60 * 60 * 1000);
    // A commit in flight in another live process (our parent): recent, so it must be kept.
    const live = `.tmp-${process.ppid}-${randomUUID()}`;
    for (const name of [killed, ownLeftover, unnamed, live]) await writeFile(join(log, name), '{"partial":');
    await utimes(join(log, unnamed), aged, aged);
    // The leftovers do not disturb reads.
    expect(await store.loadText('doc')).toBe('v1');
    await store.saveText('doc', 'v2');
    const names = await readdir(log);
    expect(names.filter((n) => n.startsWith('.tmp-'))).toEqual([live]);
    expect(names.filter((n) => !n.startsWith('.tmp-')).length).toBe(2);
    expect(await store.loadText('doc')).toBe('v2');
  });
});
