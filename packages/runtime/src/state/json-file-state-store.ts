import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CodexusError } from '@codexus/core';
import { acquireFileLock, type FileLockOptions, type HeldLock } from './internal/file-lock.js';
import type { StateSnapshot } from './state-snapshot.js';
import type { StateStore } from './state-store.js';

/** The part of `node:fs/promises` the store uses (inject another to test crashes). */
export interface StateFileSystem {
  open(path: string, flags: string, mode?: number): Promise<StateFileHandle>;
  rename(from: string, to: string): Promise<void>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  unlink(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  /** Optional: dates the lock file, so a lock left by a crash is recognised by its age. */
  stat?(path: string): Promise<{ mtimeMs: number }>;
}

export interface StateFileHandle {
  writeFile(data: string): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface JsonFileStateStoreOptions {
  fs?: StateFileSystem;
  /**
   * How long a save (or clear) waits while another writer holds the file's lock before it fails
   * with `CONFLICT` (ms). Default 5 000.
   */
  lockTimeoutMs?: number;
  /** A lock older than this was left by a writer that crashed or hangs, and is broken (ms). Default 30 000. */
  staleLockMs?: number;
}

const TEMP_SUFFIX = '.tmp';
const LOCK_SUFFIX = '.lock';
const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
const DEFAULT_STALE_LOCK_MS = 30_000;

/**
 * One snapshot in one JSON file, replaced atomically: the new snapshot is written to a temp file next
 * to it (a unique name), flushed (fsync), then renamed over the old one, and the directory is flushed.
 * A crash at any point leaves either the previous snapshot or the new one, never a torn file; a temp
 * file left by a crash is ignored by `load` and removed by the next successful `save`. Saves of one
 * store run one at a time, in call order.
 *
 * Writers in other stores or processes are kept apart by an exclusive lock file next to the
 * snapshot (`<path>.lock`, created with `O_EXCL`): a save waits for it (bounded by `lockTimeoutMs`)
 * and then fails with `CONFLICT`; a lock whose holder died (same host) or that is older than
 * `staleLockMs` is broken. A writer whose lock was broken meanwhile does not rename: `CONFLICT`.
 */
export class JsonFileStateStore implements StateStore {
  private readonly fs: StateFileSystem;
  private readonly lockPath: string;
  private readonly lockOptions: FileLockOptions;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    options: JsonFileStateStoreOptions = {},
  ) {
    this.fs = options.fs ?? nodeFs;
    this.lockPath = `${path}${LOCK_SUFFIX}`;
    this.lockOptions = {
      timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      staleMs: options.staleLockMs ?? DEFAULT_STALE_LOCK_MS,
    };
  }

  save(snapshot: StateSnapshot): Promise<void> {
    const text = `${JSON.stringify(snapshot)}\n`;
    return this.serialize(() => this.locked((lock) => this.write(text, lock)));
  }

  async load(): Promise<StateSnapshot | undefined> {
    await this.chain;
    let text: string;
    try {
      text = await this.fs.readFile(this.path, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as StateSnapshot;
    } catch (error) {
      throw new CodexusError('VALIDATION_FAILED', `the state snapshot ${this.path} is not valid JSON`, {
        cause: error,
        data: { path: this.path },
      });
    }
  }

  clear(): Promise<void> {
    return this.serialize(() =>
      this.locked(async () => {
        await this.fs.unlink(this.path).catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
      }),
    );
  }

  /** One operation of this store at a time, in call order. */
  private serialize(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => {});
    return run;
  }

  /** Runs `work` holding the file's lock (across stores and processes). */
  private async locked(work: (lock: HeldLock) => Promise<void>): Promise<void> {
    const lock = await acquireFileLock(this.fs, this.lockPath, this.lockOptions);
    try {
      await work(lock);
    } finally {
      await lock.release().catch(() => {});
    }
  }

  private lostLock(cause?: unknown): CodexusError {
    return new CodexusError(
      'CONFLICT',
      `another writer broke the lock ${this.lockPath} as stale while this save ran; the snapshot was not written`,
      { cause, data: { path: this.path, lockPath: this.lockPath } },
    );
  }

  private async write(text: string, lock: HeldLock): Promise<void> {
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
    try {
      const handle = await this.fs.open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (!(await lock.owned())) throw this.lostLock();
      await this.fs.rename(temp, this.path);
    } catch (error) {
      await this.fs.unlink(temp).catch(() => {});
      if (CodexusError.is(error, 'CONFLICT')) throw error;
      // A temp file removed under us means another writer took over the file: say so, not ENOENT.
      if (isNotFound(error) && !(await lock.owned().catch(() => false))) throw this.lostLock(error);
      throw error;
    }
    await this.syncDirectory();
    await this.removeStaleTemps();
  }

  /** Makes the rename itself durable. Best effort: some platforms cannot open a directory. */
  private async syncDirectory(): Promise<void> {
    try {
      const dir = await this.fs.open(dirname(this.path), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      // not supported here (e.g. Windows); the rename is still atomic
    }
  }

  /** Temp files of this snapshot left behind by a crash (temps are only written under the lock). Best effort. */
  private async removeStaleTemps(): Promise<void> {
    const prefix = `${basename(this.path)}.`;
    try {
      const names = await this.fs.readdir(dirname(this.path));
      for (const name of names) {
        if (name.startsWith(prefix) && name.endsWith(TEMP_SUFFIX)) {
          await this.fs.unlink(join(dirname(this.path), name)).catch(() => {});
        }
      }
    } catch {
      // the directory cannot be listed; stale temp files stay, and load ignores them
    }
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}
