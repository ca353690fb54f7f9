import { randomUUID } from 'node:crypto';
import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '@codexus/core/internal';

/**
 * Temporary files of commits in progress: `.tmp-<pid>-<uuid>` next to the entries. A commit that
 * was killed between writing its temp file and linking it leaves the file behind; the next commit
 * of the same artifact removes such leftovers (best effort), but never the temp file of a commit
 * still in flight:
 * - ours (this process): in flight while it is in {@link inFlight};
 * - another process's: kept while that pid is alive, unless older than {@link STALE_TEMP_MS}
 *   (the pid may have been reused);
 * - a name without a pid: judged by its age alone.
 *
 * The pid test assumes the writers share one host. A temp file removed under a live writer (another
 * host on a shared file system) makes its link fail with `ENOENT`, which the store treats as a lost
 * race: it re-reads and commits again.
 */

export const TEMP_PREFIX = '.tmp-';

/** A temp file older than this belongs to no commit (a commit takes milliseconds). */
export const STALE_TEMP_MS = 10 * 60 * 1000;

/**
 * This process's temp files between creation and removal, shared by every store instance (and every
 * copy of this package loaded in the process, through a registered symbol).
 */
const IN_FLIGHT = Symbol.for('codexus.artifact.tempsInFlight');
const registry = globalThis as Record<symbol, Set<string> | undefined>;
const inFlight: Set<string> = registry[IN_FLIGHT] ?? new Set<string>();
registry[IN_FLIGHT] = inFlight;

/** A fresh temp file name in `dir`, registered as in flight until {@link releaseTemp}. */
export function claimTemp(dir: string): string {
  const path = join(dir, `${TEMP_PREFIX}${process.pid}-${randomUUID()}`);
  inFlight.add(path);
  return path;
}

export function releaseTemp(path: string): void {
  inFlight.delete(path);
}

/** Removes the temp files in `dir` that belong to no commit in flight. Never throws. */
export async function removeStaleTemps(dir: string, nowMs = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return; // cannot list it: leftovers stay, and readers ignore them anyway
  }
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const path = join(dir, name);
    if (inFlight.has(path)) continue;
    try {
      if (await isStale(path, name, nowMs)) await unlink(path);
    } catch {
      // gone meanwhile (its commit finished), or not ours to remove
    }
  }
}

async function isStale(path: string, name: string, nowMs: number): Promise<boolean> {
  const pid = /^\.tmp-(\d+)-/.exec(name)?.[1];
  if (pid !== undefined) {
    if (Number(pid) === process.pid) return true; // ours, and not in flight
    if (!processAlive(Number(pid))) return true;
  }
  return nowMs - (await lstat(path)).mtimeMs > STALE_TEMP_MS;
}
