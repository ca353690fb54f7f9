import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CodexusError } from '@codexus/core';
import type { StateSnapshot } from './state-snapshot.js';
import type { StateStore } from './state-store.js';

/** The part of `node:fs/promises` the store uses (inject another to test crashes). */
export interface StateFileSystem {
  open(path: string, flags: string, mode?: number): Promise<StateFileHandle>;
  rename(from: string, to: string): Promise<void>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  unlink(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
}

export interface StateFileHandle {
  writeFile(data: string): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface JsonFileStateStoreOptions {
  fs?: StateFileSystem;
}

const TEMP_SUFFIX = '.tmp';

/**
 * One snapshot in one JSON file, replaced atomically: the new snapshot is written to a temp file next
 * to it, flushed (fsync), then renamed over the old one, and the directory is flushed. A crash at any
 * point leaves either the previous snapshot or the new one, never a torn file; a temp file left by a
 * crash is ignored by `load` and removed by the next successful `save`. Saves run one at a time, in
 * call order. One writer per file.
 */
export class JsonFileStateStore implements StateStore {
  private readonly fs: StateFileSystem;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    options: JsonFileStateStoreOptions = {},
  ) {
    this.fs = options.fs ?? nodeFs;
  }

  save(snapshot: StateSnapshot): Promise<void> {
    const text = `${JSON.stringify(snapshot)}\n`;
    const run = this.chain.then(() => this.write(text));
    this.chain = run.catch(() => {});
    return run;
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

  async clear(): Promise<void> {
    await this.chain;
    await this.fs.unlink(this.path).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  private async write(text: string): Promise<void> {
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
    try {
      const handle = await this.fs.open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.fs.rename(temp, this.path);
    } catch (error) {
      await this.fs.unlink(temp).catch(() => {});
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

  /** Temp files of this snapshot left behind by a crash. Best effort. */
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
