/** The safe defaults shared by every high-level entry point. */
export const SAFE_DEFAULTS = Object.freeze({
  approval: 'never',
  sandbox: 'read-only',
  effort: 'medium',
  /** Each turn's timeout (ms). */
  turnTimeoutMs: 120_000,
  privileged: false,
  /** A closed session's thread is unloaded by codex at once (see `SessionConfig.unloadDelayMs`). */
  unloadDelayMs: 0,
} as const);

/** How long `session.close()` waits for codex to confirm `thread/unsubscribe` (ms). */
export const THREAD_RELEASE_TIMEOUT_MS = 5_000;

/** How long an approval handler may take before the timeout action applies (ms). */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 60_000;
