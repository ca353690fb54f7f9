import type { InferOutputOf, OutputSpec, ReasoningEffort } from '@codexus/runtime';
import type { ArtifactTaskKind } from './artifact-store.js';
import type { DocPatch } from './doc-patch.js';

interface TaskSpecBase {
  artifactId: string;
  /** What the user wants, in their words. */
  userGoal: string;
  /**
   * The text the caller has in front of them. When the artifact exists, this must be its stored text
   * (else the task is a conflict before any turn runs); when it does not, it is the starting text.
   */
  currentText?: string;
  /** Rules the result must follow, one per entry. */
  constraints?: readonly string[];
  /** Examples of the wanted result, one per entry. */
  examples?: readonly string[];
  /** The model of the artifact's thread (applied when the thread is started or resumed). */
  model?: string;
  effort?: ReasoningEffort;
}

/** Writes the whole document: the turn returns `{ title, format, text }`. */
export interface DocGenerateTaskSpec extends TaskSpecBase {
  kind: 'docGenerate';
}

/** Changes the document: the turn returns a {@link DocPatch} against the numbered lines it was shown. */
export interface DocEditTaskSpec extends TaskSpecBase {
  kind: 'docEdit';
}

/** Any structured answer about the document, in the caller's schema; the document is not changed. */
export interface PassthroughTaskSpec<S extends OutputSpec = OutputSpec> extends TaskSpecBase {
  kind: 'passthrough';
  outputSchema: S;
}

export type ArtifactTaskSpec = DocGenerateTaskSpec | DocEditTaskSpec | PassthroughTaskSpec;

interface TaskResultBase {
  artifactId: string;
  threadId: string;
  turnId: string;
}

export interface DocGenerateResult extends TaskResultBase {
  kind: 'docGenerate';
  /** The saved revision. */
  revision: string;
  previousRevision: string | null;
  title: string;
  format: string;
  text: string;
}

export interface DocEditResult extends TaskResultBase {
  kind: 'docEdit';
  revision: string;
  previousRevision: string | null;
  format: string;
  text: string;
  /** The model's summary of the change. */
  notes: string | undefined;
  /** The patch that was applied. */
  patch: DocPatch;
}

export interface PassthroughResult<T = unknown> extends TaskResultBase {
  kind: 'passthrough';
  /** The (unchanged) revision of the artifact; `null` when it does not exist. */
  revision: string | null;
  output: T;
}

/** What `runTask` resolves with, tagged by the task's kind. */
export type ArtifactTaskResult<T = unknown> = DocGenerateResult | DocEditResult | PassthroughResult<T>;

/** The result type of a spec. */
export type ArtifactTaskResultOf<S extends ArtifactTaskSpec> =
  S extends PassthroughTaskSpec<infer O>
    ? PassthroughResult<InferOutputOf<O>>
    : S extends DocEditTaskSpec
      ? DocEditResult
      : DocGenerateResult;

export const ARTIFACT_TASK_KINDS: readonly ArtifactTaskKind[] = ['docGenerate', 'docEdit', 'passthrough'];
