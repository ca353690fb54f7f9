export {
  type AppServerAuth,
  CodexRpcError,
  CodexusError,
  type CodexusErrorCode,
  type LaunchAppServerOptions,
  LaunchedAppServer,
  type Logger,
  launchAppServer,
  type RemoteJwtOptions,
  type RemoteOptions,
  type RequestOptions,
  type ServerNotification,
  type ServerRequest,
  type StdioTransport,
  type Subscription,
} from '@codexus/core';
export { AppServer, type AppServerConfig, type AppServerOptions } from './app-server.js';
export {
  type ApprovalAnswer,
  type ApprovalBase,
  type ApprovalDecision,
  type ApprovalHandler,
  type ApprovalKind,
  type ApprovalRequest,
  encodeApprovalAnswer,
  fallbackAnswer,
  type TimeoutAction,
  toApprovalRequest,
  type UnknownServerRequestPolicy,
  type WireAnswer,
} from './approval-request.js';
export type { ApprovalTarget } from './approval-router.js';
export { Client, type ClientConfig, type ClientMetrics, type ThreadPage } from './client.js';
export {
  ClientPool,
  type ClientPoolConfig,
  type EndpointLoad,
  type EndpointReport,
  type EndpointState,
  type PoolEndpoint,
  pickEndpoint,
} from './client-pool.js';
export { DEFAULT_APPROVAL_TIMEOUT_MS, SAFE_DEFAULTS } from './defaults.js';
export {
  DEFAULT_HOOK_TIMEOUT_MS,
  HookBlockedError,
  type HookContextInit,
  HookEngine,
  type HookEngineOptions,
  type HookFailurePolicy,
  type HookMetrics,
  type HookPatchTarget,
  type HookRunCallOptions,
  type PreHookOutcome,
} from './hooks/index.js';
export type { PlanStep, TokenUsage, TokenUsageBreakdown, TurnError, TurnItem } from './internal/wire.js';
export { type InputItem, type Prompt, promptText, toTurnInput } from './prompt-input.js';
export {
  classifyTurnFailure,
  PromptRunError,
  type PromptRunFailureReason,
  type TurnFailureClass,
} from './prompt-run-error.js';
export type {
  PromptRunEvent,
  PromptRunEventType,
  PromptRunResult,
  StructuredRunResult,
  TurnStatus,
} from './prompt-run-event.js';
export type { RestartPolicy } from './restart-policy.js';
export {
  type EventFilter,
  Runtime,
  type RuntimeConfig,
  type RuntimeMetrics,
  type RuntimeState,
} from './runtime.js';
export { type AskOptions, Session, type SessionHost, type SessionInfo } from './session.js';
export {
  APPROVAL_POLICIES,
  type ApprovalPolicy,
  assertCwdDirectory,
  assertPrivilege,
  REASONING_EFFORTS,
  type ReasoningEffort,
  type ResolvedSessionConfig,
  resolveSessionConfig,
  SANDBOX_MODES,
  type SandboxMode,
  type SessionConfig,
} from './session-config.js';
export type { SessionSource } from './session-source.js';
export * from './state/index.js';
export {
  type InferOutputOf,
  type JsonObject,
  OutputInvalidError,
  type OutputIssue,
  type OutputSpec,
  type PreparedOutput,
  prepareOutput,
} from './structured-output.js';
export * from './tools/index.js';
export { TurnStream, type TurnStreamInit } from './turn-stream.js';
export type {
  EventOf,
  NotificationListener,
  NotificationOf,
  NotifyArgs,
  ParamsArgs,
  RequestParams,
  RequestResult,
  ServerRequestOf,
} from './typed-peer.js';
export { DEFAULT_WAIT_TIMEOUT_MS, type WaitForOptions } from './wait-for.js';
