/**
 * `@codexus/runtime/internal`: the building blocks sibling packages (quick, web, ...) and custom
 * call sites use: the hook call-site adapters and the pure turn assembler. Not part of the public
 * API: no semver promise, no API report.
 */
export {
  applyHookPatch,
  HookReportCollector,
  isToolItem,
  type ReviewApprovalOptions,
  reviewApproval,
  runHookResult,
  runPostSessionStart,
  runPostToolUse,
  runPostTurn,
  runPreSessionStart,
  runPreTurn,
  type SessionHookScope,
  type TurnHookScope,
  throwIfBlocked,
  toolInfoFromApproval,
  toolInfoFromItem,
} from './hooks/index.js';
export { TurnAssembler } from './turn-assembler.js';
