/** The safe defaults shared by every high-level entry point. */
export const SAFE_DEFAULTS = Object.freeze({
  approval: 'never',
  sandbox: 'read-only',
  effort: 'medium',
  timeoutMs: 120_000,
  privileged: false,
} as const);

/** How long an approval handler may take before the timeout action applies (ms). */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 60_000;
