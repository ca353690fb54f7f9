/**
 * @codexus/artifact: text documents whose every change comes from a codex turn (structured output),
 * saved as revisions in a store. Conformance tests for stores: `@codexus/artifact/testing`.
 */
export {
  ArtifactConflictError,
  describeConflict,
  type PatchConflict,
  type PatchConflictKind,
} from './artifact-conflict.js';
export { artifactIdProblem, assertArtifactId, MAX_ARTIFACT_ID_BYTES } from './artifact-id.js';
export {
  type ArtifactBinding,
  ArtifactSessionManager,
  type ArtifactSessionManagerOptions,
  type RunTaskOptions,
} from './artifact-session-manager.js';
export {
  type ArtifactMeta,
  type ArtifactMetaFields,
  type ArtifactStore,
  type ArtifactTaskKind,
  DEFAULT_FORMAT,
  type RevisionInfo,
  type SaveMeta,
  type SaveOptions,
} from './artifact-store.js';
export {
  ARTIFACT_TASK_KINDS,
  type ArtifactTaskResult,
  type ArtifactTaskResultOf,
  type ArtifactTaskSpec,
  type DocEditResult,
  type DocEditTaskSpec,
  type DocGenerateResult,
  type DocGenerateTaskSpec,
  type PassthroughResult,
  type PassthroughTaskSpec,
} from './artifact-task.js';
export {
  applyDocPatch,
  type DocEdit,
  type DocPatch,
  type DocPatchValidation,
  splitLines,
  type ValidatedDocPatch,
  validateDocPatch,
} from './doc-patch.js';
export { FsArtifactStore } from './fs-artifact-store.js';
export type { LockPolicy } from './internal/keyed-lock.js';
/** One entry of a store's revision log (what store implementations read and append). */
export type { LogEntry } from './internal/revision-log-store.js';
export { MemoryArtifactStore } from './memory-artifact-store.js';
export { computeRevision, isRevision } from './revision.js';
export {
  type DocPatchOutput,
  DocPatchOutputSchema,
  type GeneratedDoc,
  GeneratedDocSchema,
} from './task-output.js';
export { buildTaskPrompt, numberLines, type TaskPromptContext } from './task-prompt.js';
