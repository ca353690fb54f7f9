import { link, mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CodexusError } from '@codexus/core';
import { assertArtifactId } from './artifact-id.js';
import {
  createExclusive,
  isCode,
  openForReading,
  PRIVATE_DIR_MODE,
  realDirectory,
} from './internal/no-follow.js';
import { type LogEntry, RevisionLogStore } from './internal/revision-log-store.js';
import { claimTemp, releaseTemp, removeStaleTemps } from './internal/stale-temps.js';

const ENTRY_FILE = /^(\d{12})\.json$/;

/**
 * An {@link ArtifactStore} in a directory: `<root>/<artifactId>/log/<seq>.json`, one immutable file
 * per save or meta change, so every revision is kept.
 *
 * Writes are atomic: an entry is written and synced under a temporary name, then hard-linked to its
 * final name, which fails when that name exists. A reader never sees a partial file, and two writers
 * (also in two processes) can never both commit the same next entry: the loser re-reads, and a save
 * that expected the old revision ends in a conflict. (This needs a file system with hard links.)
 * A temporary file left by a killed commit is removed by the next commit of that artifact.
 *
 * Artifact ids that would leave the root are refused before any file is touched. Inside the root,
 * nothing is followed: an artifact or log directory that is a symbolic link (or no directory), and an
 * entry that is a link (or no regular file), are refused with `VALIDATION_FAILED` (`data.path`,
 * `data.problem`). Directories are created 0700 and entries 0600, like the runtime's state files.
 */
export class FsArtifactStore extends RevisionLogStore {
  readonly root: string;

  constructor(root: string) {
    super();
    if (typeof root !== 'string' || root === '') {
      throw new CodexusError('VALIDATION_FAILED', 'FsArtifactStore needs a root directory');
    }
    this.root = resolve(root);
  }

  protected async lastSeq(artifactId: string): Promise<number> {
    const dir = await this.logDir(artifactId, false);
    if (dir === undefined) return 0;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return 0;
      throw error;
    }
    let last = 0;
    for (const name of names) {
      const match = ENTRY_FILE.exec(name);
      if (match) last = Math.max(last, Number(match[1]));
    }
    return last;
  }

  protected async readEntry(artifactId: string, seq: number): Promise<LogEntry> {
    const file = join(this.logPath(artifactId), entryName(seq));
    const handle = await openForReading(file, { artifactId });
    let raw: string;
    try {
      raw = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
    try {
      return JSON.parse(raw) as LogEntry;
    } catch (error) {
      throw new CodexusError('VALIDATION_FAILED', `corrupt artifact log entry ${file}`, {
        cause: error,
        data: { artifactId, file },
      });
    }
  }

  protected async appendEntry(artifactId: string, entry: LogEntry): Promise<boolean> {
    const dir = (await this.logDir(artifactId, true)) as string;
    const temp = claimTemp(dir);
    try {
      const handle = await createExclusive(temp);
      try {
        await handle.writeFile(JSON.stringify(entry), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await link(temp, join(dir, entryName(entry.seq)));
    } catch (error) {
      // EEXIST: another writer took this seq. ENOENT: our temp file (or the directory) was removed
      // under us. Either way nothing was committed: the caller re-reads and tries again.
      if (isCode(error, 'EEXIST') || isCode(error, 'ENOENT')) return false;
      throw error;
    } finally {
      await rm(temp, { force: true });
      releaseTemp(temp);
    }
    await removeStaleTemps(dir);
    return true;
  }

  /** `<root>/<id>/log`, without touching the file system. */
  private logPath(artifactId: string): string {
    return join(this.artifactPath(artifactId), 'log');
  }

  /** `<root>/<id>`: one segment below the root (the id rule is the only rule; this guards the join). */
  private artifactPath(artifactId: string): string {
    assertArtifactId(artifactId);
    const dir = join(this.root, artifactId);
    if (dirname(dir) !== this.root || basename(dir) !== artifactId) {
      throw new CodexusError(
        'VALIDATION_FAILED',
        `artifact id ${JSON.stringify(artifactId)} leaves the root`,
        {
          data: { artifactId },
        },
      );
    }
    return dir;
  }

  /**
   * The log directory after checking that it and the artifact directory are real directories (no
   * links). `create` makes what is missing (0700); otherwise a missing one is `undefined`.
   */
  private async logDir(artifactId: string, create: boolean): Promise<string | undefined> {
    const data = { artifactId };
    const dir = this.artifactPath(artifactId);
    if (create) await mkdir(this.root, { recursive: true, mode: PRIVATE_DIR_MODE });
    if (!(await realDirectory(dir, { create, data }))) return undefined;
    const log = this.logPath(artifactId);
    if (!(await realDirectory(log, { create, data }))) return undefined;
    return log;
  }
}

function entryName(seq: number): string {
  return `${String(seq).padStart(12, '0')}.json`;
}
