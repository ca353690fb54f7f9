import { constants } from 'node:fs';
import { type FileHandle, lstat, mkdir, open } from 'node:fs/promises';
import { CodexusError } from '@codexus/core';

/**
 * File access that never follows a symbolic link planted inside a store's root: directories are
 * checked with `lstat` (a link, or anything but a directory, is refused), files are opened with
 * `O_NOFOLLOW` (and, for reading, `O_NONBLOCK` and a regular-file check, so a planted FIFO or device
 * cannot block or feed a reader). A refusal is `VALIDATION_FAILED` with `data.path` and `data.problem`.
 *
 * The directory check happens on every operation; it is not atomic against someone who can write
 * into the root while the store runs (Node has no `openat`). The file opens are.
 */

/** Private modes, as for the runtime's state files. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

// Not defined on Windows, which has no such links to follow here.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

export type UnsafePathProblem = 'symlink' | 'notDirectory' | 'notFile';

const DESCRIBE: Record<UnsafePathProblem, string> = {
  symlink: 'is a symbolic link (links are not followed)',
  notDirectory: 'is not a directory',
  notFile: 'is not a regular file',
};

export function unsafePath(
  path: string,
  problem: UnsafePathProblem,
  data: Record<string, unknown>,
  cause?: unknown,
): CodexusError {
  return new CodexusError('VALIDATION_FAILED', `refusing ${path}: it ${DESCRIBE[problem]}`, {
    cause,
    data: { ...data, path, problem },
  });
}

/**
 * Checks that `path` is a real directory (not a link to one). With `create`, a missing directory is
 * made (mode 0700) and checked; without, a missing one resolves `false`.
 */
export async function realDirectory(
  path: string,
  options: { create: boolean; data: Record<string, unknown> },
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      const info = await lstat(path);
      if (info.isSymbolicLink()) throw unsafePath(path, 'symlink', options.data);
      if (!info.isDirectory()) throw unsafePath(path, 'notDirectory', options.data);
      return true;
    } catch (error) {
      if (!isCode(error, 'ENOENT')) throw error;
      if (!options.create) return false;
      if (attempt > 0) throw error; // made, then gone again: do not loop
    }
    // Not recursive: every level is made here and checked, none is made through a link.
    await mkdir(path, { mode: PRIVATE_DIR_MODE }).catch((error: unknown) => {
      if (!isCode(error, 'EEXIST')) throw error; // another writer made it: check what it is
    });
  }
}

/** Opens an existing regular file for reading, without following a link or blocking on a FIFO. */
export async function openForReading(path: string, data: Record<string, unknown>): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    throw isCode(error, 'ELOOP') ? unsafePath(path, 'symlink', data, error) : error;
  }
  try {
    if (!(await handle.stat()).isFile()) throw unsafePath(path, 'notFile', data);
    return handle;
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

/** Creates a new private file (0600); fails with `EEXIST` when the name is taken, also by a link. */
export function createExclusive(path: string): Promise<FileHandle> {
  return open(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW,
    PRIVATE_FILE_MODE,
  );
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
