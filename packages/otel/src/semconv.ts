/**
 * The attribute, span and metric names this package emits. GenAI names follow the OpenTelemetry
 * semantic conventions v1.41.0 (GenAI: development status), the last release that carried them in
 * open-telemetry/semantic-conventions; `codexus.*` names are this package's own (see
 * docs/observability.md).
 */
export const SEMCONV_VERSION = '1.41.0';

/** Every span and metric attribute name this package sets. */
export const ATTR = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  agentName: 'gen_ai.agent.name',
  requestModel: 'gen_ai.request.model',
  conversationId: 'gen_ai.conversation.id',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  tokenType: 'gen_ai.token.type',
  errorType: 'error.type',
  processExitCode: 'process.exit.code',
  rpcSystem: 'rpc.system.name',
  rpcMethod: 'rpc.method',
  turnId: 'codexus.turn.id',
  turnStatus: 'codexus.turn.status',
  toolStatus: 'codexus.tool.status',
  toolDurationMs: 'codexus.tool.duration_ms',
  mcpServer: 'codexus.mcp.server',
  approvalKind: 'codexus.approval.kind',
  approvalRequestId: 'codexus.approval.request_id',
  approvalDecision: 'codexus.approval.decision',
  approvalDecidedBy: 'codexus.approval.decided_by',
  approvalWaitedMs: 'codexus.approval.waited_ms',
  transportKind: 'codexus.transport.kind',
  serverUserAgent: 'codexus.server.user_agent',
  serverVersion: 'codexus.server.version',
} as const;

/** `gen_ai.operation.name` values. */
export const OPERATION = { invokeAgent: 'invoke_agent', executeTool: 'execute_tool' } as const;

/** Span event names (approvals, on the turn span). */
export const EVENT = {
  approvalRequested: 'codexus.approval.requested',
  approvalDecided: 'codexus.approval.decided',
  approvalWithdrawn: 'codexus.approval.withdrawn',
} as const;

/** Histogram names (durations in seconds, tokens in `{token}`). */
export const METRIC = {
  operationDuration: 'gen_ai.client.operation.duration',
  tokenUsage: 'gen_ai.client.token.usage',
  toolDuration: 'codexus.tool.call.duration',
} as const;

/** `error.type` values this package reports (besides codex's own `codexErrorInfo` kinds). */
export const ERROR_TYPE = {
  other: '_OTHER',
  rpc: 'rpc_error',
  connectionClosed: 'connection_closed',
  toolFailed: 'tool_failed',
} as const;
