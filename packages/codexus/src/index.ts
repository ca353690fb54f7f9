/**
 * codexus: the root convenience surface. Start with `quickRun` (layer 1) or `Workflow` (layer 2);
 * the namespaces give every layer underneath.
 */
export * as automation from '@codexus/automation';
export * as plugin from '@codexus/plugin';
export {
  createHookMatcher,
  FilteredPostHook,
  FilteredPreHook,
  type HookMatcher,
  matchesHook,
} from '@codexus/plugin';
export { ShellCommandHook, ShellCommandPostHook } from '@codexus/plugin/node';
export * as protocol from '@codexus/protocol';
export {
  QuickRunError,
  quickRun,
  quickRunWithProfile,
  type RunProfile,
  Workflow,
  type WorkflowConfig,
} from '@codexus/quick';
export * as runtime from '@codexus/runtime';
export { AppServer, CodexusError, type PromptRunResult } from '@codexus/runtime';
