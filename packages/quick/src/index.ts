/**
 * @codexus/quick: layers 1 and 2 of codexus.
 * - {@link quickRun} / {@link quickRunWithProfile}: one prompt, one codex process, always shut down;
 * - {@link Workflow}: repeated runs in one directory on one codex process.
 * Safe defaults everywhere: approval `never`, sandbox `read-only`, effort `medium`, timeout 120 s,
 * privileged escalation off.
 */

// In-process tools and MCP servers for `RunProfile.tools` / `mcpServers` (defined in @codexus/runtime).
export {
  type McpServerConfig,
  type Tool,
  type ToolContext,
  type ToolEntry,
  ToolInputError,
  type ToolOutput,
  tool,
  toolNamespace,
} from '@codexus/runtime';
export type { QuickClientOptions } from './client-options.js';
export {
  type QuickRunCallOptions,
  type QuickRunOptions,
  quickRun,
  quickRunWithProfile,
} from './quick-run.js';
export { QuickRunError, type QuickRunErrorKind, type QuickRunErrorOptions } from './quick-run-error.js';
export { type ResolvedRunProfile, type RunProfile, resolveRunProfile } from './run-profile.js';
export { Workflow, type WorkflowConfig, type WorkflowRunOptions } from './workflow.js';
export { WorkflowRun } from './workflow-run.js';
