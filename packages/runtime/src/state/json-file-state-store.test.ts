import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodexusError } from '@codexus/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonFileStateStore, type StateFileSystem } from './json-file-state-store.js';
import type { StateSnapshot } from './state-snapshot.js';
import { MemoryStateStore } from './state-store.js';

function snapshot(name: string, takenAtMs = 1): StateSnapshot {
  return {
    formatVersion: 1,
    protocolRevision: 'sha256:test',
    takenAtMs,
    state: {
      connection: { state: 'ready', codexVersion: '0.169.0', restarts: 0, changedAtMs: 0 },
      threads: [
        {
          id: name,
          status: 'idle',
          activeFlags: [],
          activeTurnId: null,
          name,
          cwd: null,
          model: null,
          archived: false,
          lastDiff: null,
          lastPlan: null,
          tokenUsage: null,
          turns: [],
          evictedTurns: 0,
          createdAtMs: 0,
          updatedAtMs: 0,
        },
      ],
      pendingServerRequests: [],
    },
  };
}

/** A pid that is certainly not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

/** The real file system, except where a test makes a step fail the way a crash would. */
function crashingFs(overrides: Partial<StateFileSystem>): StateFileSystem {
  return { ...(fs as StateFileSystem), ...overrides };
}

describe('JsonFileStateStore', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'codexus-state-'));
    path = join(dir, 'state.json');
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const tempFiles = async (): Promise<string[]> => (await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'));

  it('saves and loads; nothing saved yet loads undefined; clear removes it', async () => {
    const store = new JsonFileStateStore(path);
    expect(await store.load()).toBeUndefined();
    await store.save(snapshot('a'));
    expect(await store.load()).toEqual(snapshot('a'));
    expect(await tempFiles()).toEqual([]);
    await store.clear();
    expect(await store.load()).toBeUndefined();
    await store.clear();
  });

  it('a crash between the write and the rename keeps the previous snapshot', async () => {
    await new JsonFileStateStore(path).save(snapshot('previous'));
    // The process "dies" right before the rename: the rename never happens and nothing is cleaned up.
    const crashed = new JsonFileStateStore(path, {
      fs: crashingFs({
        rename: async () => {
          throw new Error('simulated crash before rename');
        },
        unlink: async () => {},
      }),
    });
    await expect(crashed.save(snapshot('next'))).rejects.toThrow('simulated crash');
    const [temp] = await tempFiles();
    expect(temp).toMatch(/^state\.json\.\d+\.[0-9a-f]{8}\.tmp$/);
    expect(JSON.parse(await fs.readFile(join(dir, temp!), 'utf8'))).toEqual(snapshot('next'));
    // Its lock file stayed behind too, naming a process that no longer runs.
    const lock = JSON.parse(await fs.readFile(`${path}.lock`, 'utf8')) as { pid: number };
    await fs.writeFile(`${path}.lock`, JSON.stringify({ ...lock, pid: await deadPid() }));
    // A restarted process reads the previous snapshot, untouched; its next save removes the leftover.
    const restarted = new JsonFileStateStore(path);
    expect(await restarted.load()).toEqual(snapshot('previous'));
    await restarted.save(snapshot('after'));
    expect(await restarted.load()).toEqual(snapshot('after'));
    expect(await tempFiles()).toEqual([]);
  });

  it('a crash in the middle of the write (torn temp file) keeps the previous snapshot', async () => {
    await new JsonFileStateStore(path).save(snapshot('previous'));
    const torn = new JsonFileStateStore(path, {
      fs: crashingFs({
        open: async (file, flags, mode) => {
          const handle = await fs.open(file, flags, mode);
          return {
            writeFile: async (data: string) => {
              await handle.writeFile(data.slice(0, data.length / 2));
              throw new Error('simulated crash mid-write');
            },
            sync: () => handle.sync(),
            close: () => handle.close(),
          };
        },
      }),
    });
    await expect(torn.save(snapshot('next'))).rejects.toThrow('mid-write');
    expect(await new JsonFileStateStore(path).load()).toEqual(snapshot('previous'));
    expect(await tempFiles()).toEqual([]);
  });

  it('saves run one at a time in call order: the last call wins', async () => {
    const store = new JsonFileStateStore(path);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.save(snapshot(`s${i}`, i))));
    expect((await store.load())?.takenAtMs).toBe(9);
    expect(await tempFiles()).toEqual([]);
  });

  it('a file that is not JSON is reported as VALIDATION_FAILED', async () => {
    await fs.writeFile(path, '{"formatVersion": 1, "trunc');
    const error = await new JsonFileStateStore(path).load().catch((e: unknown) => e);
    expect(CodexusError.is(error, 'VALIDATION_FAILED')).toBe(true);
    expect((error as Error).message).toContain(path);
  });

  describe('several writers on one file', () => {
    const leftovers = async (): Promise<string[]> =>
      (await fs.readdir(dir)).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock'));

    it('concurrent saves from several stores: no raw fs error, no torn file, nothing left behind', async () => {
      const stores = Array.from({ length: 4 }, () => new JsonFileStateStore(path));
      const saved = new Set<number>();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 120 }, (_, i) =>
          stores[i % stores.length]!.save(snapshot(`s${i}`, i)).then(() => saved.add(i)),
        ),
      );
      const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      for (const { reason } of rejected)
        expect(CodexusError.is(reason, 'CONFLICT'), String(reason)).toBe(true);
      const final = await new JsonFileStateStore(path).load();
      expect(final).toEqual(snapshot(`s${final!.takenAtMs}`, final!.takenAtMs));
      expect(saved.has(final!.takenAtMs)).toBe(true);
      expect(await leftovers()).toEqual([]);
    });

    it('a live writer holding the lock past lockTimeoutMs: CONFLICT naming the lock; the snapshot is untouched', async () => {
      await new JsonFileStateStore(path).save(snapshot('previous'));
      const holder = { pid: process.pid, host: hostname(), token: 'someone-else', atMs: Date.now() };
      await fs.writeFile(`${path}.lock`, JSON.stringify(holder));
      const error = await new JsonFileStateStore(path, { lockTimeoutMs: 50 })
        .save(snapshot('next'))
        .catch((e: unknown) => e);
      expect(CodexusError.is(error, 'CONFLICT')).toBe(true);
      expect((error as CodexusError).data).toMatchObject({ lockPath: `${path}.lock`, holder });
      expect(await new JsonFileStateStore(path).load()).toEqual(snapshot('previous'));
      expect(await fs.readFile(`${path}.lock`, 'utf8')).toBe(JSON.stringify(holder)); // not ours to remove
      expect(await tempFiles()).toEqual([]);
    });

    it('a lock left by a process that died is broken', async () => {
      const holder = { pid: await deadPid(), host: hostname(), token: 'crashed', atMs: Date.now() };
      await fs.writeFile(`${path}.lock`, JSON.stringify(holder));
      await new JsonFileStateStore(path, { lockTimeoutMs: 50 }).save(snapshot('after crash'));
      expect(await new JsonFileStateStore(path).load()).toEqual(snapshot('after crash'));
      expect(await leftovers()).toEqual([]);
    });

    it('a lock older than staleLockMs is broken, even unreadable (torn by a crash)', async () => {
      await fs.writeFile(`${path}.lock`, '{"pid": 12');
      const old = new Date(Date.now() - 60_000);
      await fs.utimes(`${path}.lock`, old, old);
      await new JsonFileStateStore(path, { lockTimeoutMs: 50, staleLockMs: 30_000 }).save(snapshot('fresh'));
      expect(await new JsonFileStateStore(path).load()).toEqual(snapshot('fresh'));
      expect(await leftovers()).toEqual([]);
    });

    it('a writer whose lock was broken meanwhile does not rename: CONFLICT, the other writer wins', async () => {
      await new JsonFileStateStore(path).save(snapshot('previous'));
      const usurper = { pid: process.pid, host: hostname(), token: 'usurper', atMs: Date.now() };
      // While this writer flushes its temp file, another one judges its lock stale and takes it over.
      const slow = new JsonFileStateStore(path, {
        fs: crashingFs({
          open: async (file, flags, mode) => {
            const handle = await fs.open(file, flags, mode);
            if (!file.endsWith('.tmp')) return handle;
            return {
              writeFile: (data: string) => handle.writeFile(data),
              sync: async () => {
                await handle.sync();
                await fs.writeFile(`${path}.lock`, JSON.stringify(usurper));
              },
              close: () => handle.close(),
            };
          },
        }),
      });
      const error = await slow.save(snapshot('lost')).catch((e: unknown) => e);
      expect(CodexusError.is(error, 'CONFLICT')).toBe(true);
      expect(await new JsonFileStateStore(path).load()).toEqual(snapshot('previous'));
      expect(await fs.readFile(`${path}.lock`, 'utf8')).toBe(JSON.stringify(usurper));
      expect(await tempFiles()).toEqual([]);
    });
  });
});

describe('MemoryStateStore', () => {
  it('returns a copy of what was saved', async () => {
    const store = new MemoryStateStore();
    expect(await store.load()).toBeUndefined();
    const saved = snapshot('m');
    await store.save(saved);
    saved.state.threads[0]!.name = 'changed later';
    expect((await store.load())?.state.threads[0]?.name).toBe('m');
    await store.clear();
    expect(await store.load()).toBeUndefined();
  });
});
