/** What a codex turn did to an artifact. */
export type ArtifactTaskKind = 'docGenerate' | 'docEdit' | 'passthrough';

/** The current state of an artifact. */
export interface ArtifactMeta {
  title: string;
  format: string;
  /** `computeRevision(text)` of the current text. */
  revision: string;
  /** The codex thread the artifact is bound to (set once a task ran). */
  threadId?: string;
}

/** The fields a caller sets; `revision` always follows from the text. */
export type ArtifactMetaFields = Omit<ArtifactMeta, 'revision'>;

/** How a saved revision came to be: recorded with it in the history. */
export interface SaveMeta {
  taskKind: ArtifactTaskKind;
  threadId: string;
  turnId: string;
  previousRevision: string | null;
  nextRevision: string;
}

/** One entry of an artifact's history (one save), oldest first. */
export interface RevisionInfo {
  revision: string;
  /** The revision it replaced (`null`: the first save). */
  previousRevision: string | null;
  /** Wall-clock time of the save (ms since the epoch). */
  savedAtMs: number;
  title: string;
  format: string;
  save?: SaveMeta;
}

export interface SaveOptions {
  /**
   * Optimistic concurrency: the save happens only while the stored revision is this one (`null`: only
   * while there is no artifact yet); otherwise it fails with an `ArtifactConflictError`
   * (`revisionMismatch`) and nothing changes. `undefined`: save unconditionally.
   */
  expectedRevision?: string | null;
  /** Recorded with the revision; its `nextRevision` must be the revision of the text. */
  save?: SaveMeta;
}

/**
 * Where artifacts live. Every save keeps a revision (history can be listed and restored); a check of
 * `expectedRevision` and the save happen as one step, so a concurrent change is a conflict, never a
 * lost update. Artifact ids are one path segment (`assertArtifactId`); any other id is refused with
 * `VALIDATION_FAILED` by every method. Run `runArtifactStoreConformance` from
 * `@codexus/artifact/testing` against an implementation.
 */
export interface ArtifactStore {
  /** The current text, or `undefined` when there is no such artifact. */
  loadText(artifactId: string): Promise<string | undefined>;
  /** Saves a new revision, keeping title, format and thread (a new artifact: title = id, format `text`). */
  saveText(artifactId: string, text: string, options?: SaveOptions): Promise<ArtifactMeta>;
  /** Saves a new revision and sets the given meta fields in the same step (absent fields are kept). */
  saveTextAndMeta(
    artifactId: string,
    text: string,
    meta: Partial<ArtifactMetaFields>,
    options?: SaveOptions,
  ): Promise<ArtifactMeta>;
  getMeta(artifactId: string): Promise<ArtifactMeta | undefined>;
  /**
   * Sets meta fields of an existing artifact without a new revision (the text is unchanged);
   * `expectedRevision` is checked as for saves. A missing artifact is `VALIDATION_FAILED`.
   */
  setMeta(
    artifactId: string,
    meta: Partial<ArtifactMetaFields>,
    options?: Pick<SaveOptions, 'expectedRevision'>,
  ): Promise<ArtifactMeta>;
  /** Every save, oldest first (empty for an unknown artifact). */
  listRevisions(artifactId: string): Promise<RevisionInfo[]>;
  /** The text of a saved revision, or `undefined` when the artifact never had it. */
  loadRevision(artifactId: string, revision: string): Promise<string | undefined>;
}

/** The default meta of an artifact created by a plain `saveText`. */
export const DEFAULT_FORMAT = 'text';
