import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { CodexusError } from '@codexus/core';
import { type LogEntry, RevisionLogStore } from './internal/revision-log-store.js';

const ENTRY_FILE = /^(\d{12})\.json$/;

/**
 * An {@link ArtifactStore} in a directory: `<root>/<artifactId>/log/<seq>.json`, one immutable file
 * per save or meta change, so every revision is kept.
 *
 * Writes are atomic: an entry is written and synced under a temporary name, then hard-linked to its
 * final name, which fails when that name exists. A reader never sees a partial file, and two writers
 * (also in two processes) can never both commit the same next entry: the loser re-reads, and a save
 * that expected the old revision ends in a conflict. (This needs a file system with hard links.)
 * Artifact ids that would leave the root are refused before any file is touched.
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
    let names: string[];
    try {
      names = await readdir(this.logDir(artifactId));
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
    const file = this.entryFile(artifactId, seq);
    const raw = await readFile(file, 'utf8');
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
    const dir = this.logDir(artifactId);
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.tmp-${randomUUID()}`);
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(JSON.stringify(entry), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await link(temp, this.entryFile(artifactId, entry.seq));
      return true;
    } catch (error) {
      if (isCode(error, 'EEXIST')) return false;
      throw error;
    } finally {
      await rm(temp, { force: true });
    }
  }

  private logDir(artifactId: string): string {
    const dir = join(this.root, artifactId, 'log');
    // The id was checked already; this guards the join itself.
    const rel = relative(this.root, dir);
    if (rel.startsWith('..') || isAbsolute(rel)) {
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

  private entryFile(artifactId: string, seq: number): string {
    return join(this.logDir(artifactId), `${String(seq).padStart(12, '0')}.json`);
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
