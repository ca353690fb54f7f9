/**
 * @codexus/plugin: the hook contracts of codexus. Browser-safe; the command hooks (child processes)
 * are in `@codexus/plugin/node`. No dependency on any other codexus package.
 */
export { type ContractCheck, checkContractVersion, PLUGIN_CONTRACT_VERSION } from './contract-version.js';
export { FilteredPostHook, FilteredPreHook } from './filtered-hook.js';
export { compileGlob, type GlobOptions, globMatch } from './glob.js';
export {
  type Hook,
  type HookRunOptions,
  isPostHook,
  isPreHook,
  type PostHook,
  type PreHook,
  validateHook,
} from './hook.js';
export {
  type BlockReason,
  type HookAction,
  type HookActionType,
  type ParsedHookAction,
  parseHookAction,
} from './hook-action.js';
export {
  HOOK_TOOL_KINDS,
  type HookContext,
  type HookFileChange,
  type HookResult,
  type HookToolInfo,
  type HookToolKind,
} from './hook-context.js';
export { HookError } from './hook-error.js';
export { createHookMatcher, type HookMatcher, matchesHook } from './hook-matcher.js';
export {
  foldHookPatches,
  type HookImage,
  type HookPatch,
  PATCH_FIELDS,
  validateHookPatch,
} from './hook-patch.js';
export {
  HOOK_PHASES,
  type HookPhase,
  isHookPhase,
  isPostPhase,
  isPrePhase,
  POST_PHASES,
  type PostPhase,
  PRE_PHASES,
  type PrePhase,
} from './hook-phase.js';
export {
  HOOK_ISSUE_CLASSES,
  type HookIssue,
  type HookIssueClass,
  type HookOutcome,
  type HookReport,
  type PostHookResult,
  parsePostHookResult,
} from './hook-report.js';
export {
  APPROVAL_POLICIES,
  type ApprovalPolicy,
  REASONING_EFFORTS,
  type ReasoningEffort,
  SANDBOX_MODES,
  type SandboxMode,
} from './vocabulary.js';
