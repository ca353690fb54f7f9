import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, CodexusError, type RetryPolicy } from '@codexus/core';
import { ArtifactConflictError } from '../artifact-conflict.js';
import { assertArtifactId } from '../artifact-id.js';
import {
  type ArtifactMeta,
  type ArtifactMetaFields,
  type ArtifactStore,
  DEFAULT_FORMAT,
  type RevisionInfo,
  type SaveMeta,
  type SaveOptions,
} from '../artifact-store.js';
import { computeRevision } from '../revision.js';

/**
 * One immutable entry of an artifact's log. Entry `seq` is committed only if no entry `seq` exists
 * yet, so the log is the single source of truth and appending to it is the compare-and-set.
 */
export interface LogEntry {
  seq: number;
  /** `save`: a new revision (holds `text`); `meta`: meta fields changed, the text did not. */
  kind: 'save' | 'meta';
  title: string;
  format: string;
  threadId?: string;
  /** The revision of the current text after this entry. */
  revision: string;
  previousRevision: string | null;
  /** The entry holding the current text (this one for a save). */
  textSeq: number;
  savedAtMs: number;
  save?: SaveMeta;
  text?: string;
}

/** Unconditional writes that keep losing the race give up after these retries. */
const CONTENTION_RETRY: RetryPolicy = { maxRetries: 20, baseDelayMs: 2, maxDelayMs: 50 };

/**
 * An {@link ArtifactStore} over an append-only log per artifact. A backend provides three primitives:
 * the last sequence number, reading an entry, and appending entry `seq` only if it is not taken.
 */
export abstract class RevisionLogStore implements ArtifactStore {
  /** The `seq` of the newest entry; 0 when the artifact does not exist. */
  protected abstract lastSeq(artifactId: string): Promise<number>;
  protected abstract readEntry(artifactId: string, seq: number): Promise<LogEntry>;
  /** Appends `entry` unless an entry with its `seq` exists; false when it lost that race. */
  protected abstract appendEntry(artifactId: string, entry: LogEntry): Promise<boolean>;

  async loadText(artifactId: string): Promise<string | undefined> {
    assertArtifactId(artifactId);
    const head = await this.head(artifactId);
    if (!head) return undefined;
    return head.text ?? (await this.readEntry(artifactId, head.textSeq)).text ?? '';
  }

  saveText(artifactId: string, text: string, options: SaveOptions = {}): Promise<ArtifactMeta> {
    return this.saveTextAndMeta(artifactId, text, {}, options);
  }

  async saveTextAndMeta(
    artifactId: string,
    text: string,
    meta: Partial<ArtifactMetaFields>,
    options: SaveOptions = {},
  ): Promise<ArtifactMeta> {
    assertArtifactId(artifactId);
    if (typeof text !== 'string') throw invalid('text must be a string', artifactId);
    checkFields(meta, artifactId);
    const revision = computeRevision(text);
    if (options.save && options.save.nextRevision !== revision) {
      throw invalid(
        `save.nextRevision ${options.save.nextRevision} is not the revision of the text (${revision})`,
        artifactId,
      );
    }
    const entry = await this.commit(artifactId, options.expectedRevision, (head, seq) => ({
      ...fieldsOf(head, artifactId, meta),
      seq,
      kind: 'save',
      revision,
      previousRevision: head?.revision ?? null,
      textSeq: seq,
      savedAtMs: Date.now(),
      ...(options.save ? { save: { ...options.save } } : {}),
      text,
    }));
    return toMeta(entry);
  }

  async getMeta(artifactId: string): Promise<ArtifactMeta | undefined> {
    assertArtifactId(artifactId);
    const head = await this.head(artifactId);
    return head && toMeta(head);
  }

  async setMeta(
    artifactId: string,
    meta: Partial<ArtifactMetaFields>,
    options: Pick<SaveOptions, 'expectedRevision'> = {},
  ): Promise<ArtifactMeta> {
    assertArtifactId(artifactId);
    checkFields(meta, artifactId);
    const entry = await this.commit(artifactId, options.expectedRevision, (head, seq) => {
      if (!head) throw invalid(`there is no artifact "${artifactId}" (save its text first)`, artifactId);
      return {
        ...fieldsOf(head, artifactId, meta),
        seq,
        kind: 'meta',
        revision: head.revision,
        previousRevision: head.revision,
        textSeq: head.textSeq,
        savedAtMs: Date.now(),
      };
    });
    return toMeta(entry);
  }

  async listRevisions(artifactId: string): Promise<RevisionInfo[]> {
    assertArtifactId(artifactId);
    const last = await this.lastSeq(artifactId);
    const entries = await Promise.all(
      Array.from({ length: last }, (_, i) => this.readEntry(artifactId, i + 1)),
    );
    return entries.filter((e) => e.kind === 'save').map(toRevisionInfo);
  }

  async loadRevision(artifactId: string, revision: string): Promise<string | undefined> {
    assertArtifactId(artifactId);
    for (let seq = await this.lastSeq(artifactId); seq >= 1; seq--) {
      const entry = await this.readEntry(artifactId, seq);
      if (entry.kind === 'save' && entry.revision === revision) return entry.text ?? '';
    }
    return undefined;
  }

  private async head(artifactId: string): Promise<LogEntry | undefined> {
    const seq = await this.lastSeq(artifactId);
    return seq === 0 ? undefined : this.readEntry(artifactId, seq);
  }

  /** Reads the head, checks the expectation, appends the next entry; on a lost race, starts over. */
  private async commit(
    artifactId: string,
    expected: string | null | undefined,
    build: (head: LogEntry | undefined, seq: number) => LogEntry,
  ): Promise<LogEntry> {
    for (let attempt = 0; ; attempt++) {
      const head = await this.head(artifactId);
      const actual = head?.revision ?? null;
      if (expected !== undefined && expected !== actual) {
        throw new ArtifactConflictError({ kind: 'revisionMismatch', expected, actual }, { artifactId });
      }
      const entry = build(head, (head?.seq ?? 0) + 1);
      if (await this.appendEntry(artifactId, entry)) return entry;
      if (attempt >= CONTENTION_RETRY.maxRetries) {
        const now = (await this.head(artifactId))?.revision ?? null;
        throw new ArtifactConflictError(
          { kind: 'revisionMismatch', expected: actual, actual: now },
          { artifactId },
        );
      }
      await sleep(backoffDelay(attempt, CONTENTION_RETRY));
    }
  }
}

function fieldsOf(
  head: LogEntry | undefined,
  artifactId: string,
  meta: Partial<ArtifactMetaFields>,
): Pick<LogEntry, 'title' | 'format' | 'threadId'> {
  const threadId = meta.threadId ?? head?.threadId;
  return {
    title: meta.title ?? head?.title ?? artifactId,
    format: meta.format ?? head?.format ?? DEFAULT_FORMAT,
    ...(threadId === undefined ? {} : { threadId }),
  };
}

function checkFields(meta: Partial<ArtifactMetaFields>, artifactId: string): void {
  if (typeof meta !== 'object' || meta === null) throw invalid('meta must be an object', artifactId);
  if (meta.title !== undefined && typeof meta.title !== 'string')
    throw invalid('title must be a string', artifactId);
  if (meta.format !== undefined && (typeof meta.format !== 'string' || meta.format === '')) {
    throw invalid('format must be a non-empty string', artifactId);
  }
  if (meta.threadId !== undefined && (typeof meta.threadId !== 'string' || meta.threadId === '')) {
    throw invalid('threadId must be a non-empty string', artifactId);
  }
}

function toMeta(entry: LogEntry): ArtifactMeta {
  const meta: ArtifactMeta = { title: entry.title, format: entry.format, revision: entry.revision };
  if (entry.threadId !== undefined) meta.threadId = entry.threadId;
  return meta;
}

function toRevisionInfo(entry: LogEntry): RevisionInfo {
  const info: RevisionInfo = {
    revision: entry.revision,
    previousRevision: entry.previousRevision,
    savedAtMs: entry.savedAtMs,
    title: entry.title,
    format: entry.format,
  };
  if (entry.save) info.save = { ...entry.save };
  return info;
}

function invalid(message: string, artifactId: string): CodexusError {
  return new CodexusError('VALIDATION_FAILED', message, { data: { artifactId } });
}
