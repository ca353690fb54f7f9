/** The runtime state projection: bounded, serializable, fed by live protocol messages; snapshots and stores. */
export {
  type AttachStateOptions,
  attachStateProjection,
  type RestoreOutcome,
  type StateAttachment,
  type StateSource,
} from './attach-state-projection.js';
export {
  type CappedText,
  capText,
  TRUNCATION_MARKER_PATTERN,
  truncationMarker,
} from './capped-text.js';
export type { ChangeStreamOptions } from './internal/change-stream.js';
export {
  JsonFileStateStore,
  type JsonFileStateStoreOptions,
  type StateFileHandle,
  type StateFileSystem,
} from './json-file-state-store.js';
export { DEFAULT_RETENTION_LIMITS, type RetentionLimits, resolveRetentionLimits } from './retention.js';
export {
  type LifecycleInfo,
  StateProjection,
  type StateProjectionOptions,
} from './state-projection.js';
export {
  checkStateSnapshot,
  type SnapshotMigration,
  STATE_SNAPSHOT_FORMAT_VERSION,
  type StateSnapshot,
} from './state-snapshot.js';
export { MemoryStateStore, type StateStore } from './state-store.js';
export type {
  ConnectionView,
  FileChangeView,
  ItemView,
  PendingServerRequestView,
  PlanView,
  StateChange,
  StateStats,
  StateView,
  ThreadChangeReason,
  ThreadStatusType,
  ThreadView,
  TurnErrorView,
  TurnStatusView,
  TurnView,
} from './state-view.js';
