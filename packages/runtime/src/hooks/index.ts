// The hook engine's public surface (the runtime's src/index.ts re-exports it).
export { applyHookPatch, type HookPatchTarget } from './apply-hook-patch.js';
export { HookBlockedError, throwIfBlocked } from './hook-blocked-error.js';
export {
  DEFAULT_HOOK_TIMEOUT_MS,
  type HookContextInit,
  HookEngine,
  type HookEngineOptions,
  type HookFailurePolicy,
  type HookMetrics,
  type HookRunCallOptions,
  type PreHookOutcome,
} from './hook-engine.js';
export { HookReportCollector } from './hook-report-collector.js';
export { runPostSessionStart, runPreSessionStart, type SessionHookScope } from './session-hooks.js';
export {
  isToolItem,
  type ReviewApprovalOptions,
  reviewApproval,
  runPostToolUse,
  toolInfoFromApproval,
  toolInfoFromItem,
} from './tool-hooks.js';
export { runHookResult, runPostTurn, runPreTurn, type TurnHookScope } from './turn-hooks.js';
