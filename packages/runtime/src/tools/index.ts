export {
  type McpApprovalMode,
  type McpHttpServer,
  type McpServerBase,
  type McpServerConfig,
  type McpStdioServer,
  mcpServersConfig,
} from './mcp-servers.js';
export { SessionTools, type SessionToolsOptions, type ToolCallSink } from './session-tools.js';
export {
  type AnyTool,
  type Tool,
  type ToolArgs,
  type ToolContentItem,
  type ToolContext,
  type ToolDefinition,
  ToolInputError,
  type ToolOutput,
  tool,
} from './tool.js';
export type {
  ToolCallAnswer,
  ToolCallInfo,
  ToolCallOutcome,
  ToolCallParams,
} from './tool-call.js';
export { type ToolEntry, type ToolNamespace, toolNamespace } from './tool-namespace.js';
export { type DynamicToolSpec, ToolRegistry, toolSpecs } from './tool-registry.js';
