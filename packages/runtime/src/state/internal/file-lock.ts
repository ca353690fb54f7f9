import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CodexusError } from '@codexus/core';
import { processAlive } from '@codexus/core/internal';
import type { StateFileSystem } from '../json-file-state-store.js';

/** What a lock file holds: who took it, and when. */
interface LockOwner {
  pid: number;
  host: string;
  token: string;
  atMs: number;
}

export interface FileLockOptions {
  /** How long `acquire` waits for a live holder before failing with `CONFLICT` (ms). */
  timeoutMs: number;
  /** A lock older than this was left by a writer that died or hangs, and is broken (ms). */
  staleMs: number;
}

/** A held lock. `owned()` re-reads the file: false once another writer broke it as stale. */
export interface HeldLock {
  owned(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * An exclusive lock file (`open(path, 'wx')`, i.e. `O_CREAT | O_EXCL`) for writers that may live in
 * different processes. The file names its holder (`pid`, host, a random token). A lock is stale, and
 * broken, when its holder is a process of this host that no longer runs, or when it is older than
 * `staleMs` (by its mtime when the file system can `stat`, else by the time it names). Waiting is
 * bounded: after `timeoutMs` the caller gets `CONFLICT` naming the lock and its holder.
 */
export async function acquireFileLock(
  fs: StateFileSystem,
  lockPath: string,
  options: FileLockOptions,
): Promise<HeldLock> {
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString('hex'),
    atMs: Date.now(),
  };
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(fs, lockPath, owner)) return heldLock(fs, lockPath, owner.token);
    const seen = await readLock(fs, lockPath);
    if (seen === undefined) continue; // released in between: try again at once
    if (await isStale(fs, lockPath, seen, options.staleMs)) {
      await breakLock(fs, lockPath, seen.text);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new CodexusError(
        'CONFLICT',
        `another writer holds the lock ${lockPath} (waited ${options.timeoutMs} ms); one writer per file`,
        { data: { lockPath, holder: seen.owner ?? null, timeoutMs: options.timeoutMs } },
      );
    }
    // A referenced timer: a save waiting for the lock keeps the process alive until it is written.
    await sleep(Math.min(50, 2 + attempt * 2) + Math.random() * 5);
  }
}

async function tryCreate(fs: StateFileSystem, lockPath: string, owner: LockOwner): Promise<boolean> {
  let handle: Awaited<ReturnType<StateFileSystem['open']>>;
  try {
    handle = await fs.open(lockPath, 'wx', 0o600);
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
  } catch (error) {
    await fs.unlink(lockPath).catch(() => {});
    throw error;
  } finally {
    await handle.close().catch(() => {});
  }
  return true;
}

function heldLock(fs: StateFileSystem, lockPath: string, token: string): HeldLock {
  const owned = async (): Promise<boolean> => (await readLock(fs, lockPath))?.owner?.token === token;
  return {
    owned,
    release: async () => {
      // Never remove a lock another writer took after breaking ours.
      if (await owned()) await fs.unlink(lockPath).catch(() => {});
    },
  };
}

interface SeenLock {
  text: string;
  owner: LockOwner | undefined;
}

async function readLock(fs: StateFileSystem, lockPath: string): Promise<SeenLock | undefined> {
  let text: string;
  try {
    text = await fs.readFile(lockPath, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  }
  return { text, owner: parseOwner(text) };
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.token === 'string' && typeof value.atMs === 'number')
      return { pid: value.pid, host: String(value.host ?? ''), token: value.token, atMs: value.atMs };
  } catch {
    // being written right now, or torn by a crash: judged by its age
  }
  return undefined;
}

async function isStale(
  fs: StateFileSystem,
  lockPath: string,
  seen: SeenLock,
  staleMs: number,
): Promise<boolean> {
  const { owner } = seen;
  if (owner && owner.host === hostname() && !processAlive(owner.pid)) return true;
  const ageMs = await ageOf(fs, lockPath, owner);
  return ageMs !== undefined && ageMs > staleMs;
}

async function ageOf(
  fs: StateFileSystem,
  lockPath: string,
  owner: LockOwner | undefined,
): Promise<number | undefined> {
  if (fs.stat) {
    try {
      return Date.now() - (await fs.stat(lockPath)).mtimeMs;
    } catch {
      return undefined; // gone in between: the next attempt creates it
    }
  }
  return owner ? Date.now() - owner.atMs : undefined;
}

/** Removes a stale lock, unless it changed since it was judged (then the next attempt judges again). */
async function breakLock(fs: StateFileSystem, lockPath: string, judgedText: string): Promise<void> {
  const now = await readLock(fs, lockPath);
  if (now?.text !== judgedText) return;
  await fs.unlink(lockPath).catch((error: unknown) => {
    if (codeOf(error) !== 'ENOENT') throw error;
  });
}

export function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}
