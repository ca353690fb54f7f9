/**
 * @codexus/testkit: hermetic tests against the real codex app-server.
 * - a scripted stand-in for the OpenAI Responses API ({@link startScriptedModel}) and the items and
 *   steps it answers with;
 * - helpers that read what codex sent to the model ({@link userTexts}, {@link functionCallOutputs}, ...);
 * - a throwaway CODEX_HOME pointing codex at it ({@link createCodexHome}) and a temp workspace;
 * - the codex binary lookup ({@link resolveCodexBin}) and a small line-JSON client over a real
 *   `codex app-server` process ({@link startCodex});
 * - whether a pid still runs ({@link processAlive}) and a bounded wait for it to be gone
 *   ({@link waitForProcessExit}).
 * Node built-ins and `@codexus/process` (the process leaf) only; no other codexus package.
 */

export { codexBinVersion } from './codex-bin-version.js';
export type {
  CodexNotification,
  CodexPeer,
  Params,
  ServerRequest,
  TimeoutOption,
  WaitForOptions,
} from './codex-client.js';
export {
  type CodexConfigOptions,
  type CodexHome,
  type CodexHomeOptions,
  type ConfigApprovalPolicy,
  codexHomeConfig,
  createCodexHome,
  createWorkspace,
  renderCodexConfig,
  type SandboxMode,
  SCRIPTED_MODEL,
  SCRIPTED_PROVIDER_ID,
  type TomlTable,
  type TomlValue,
  type Workspace,
  type WorkspaceOptions,
} from './codex-home.js';
export {
  type CodexProcess,
  type ExitInfo,
  type InitializeParams,
  type InitializeResult,
  type StartCodexOptions,
  startCodex,
} from './codex-process.js';
export {
  type JsonRpcErrorObject,
  TESTKIT_ERROR_CODES,
  TestkitError,
  type TestkitErrorCode,
  type TestkitErrorOptions,
} from './errors.js';
export { HERMETIC_CA_PATH, TRUST_STORE_ENV_KEYS, type TrustStore, trustStoreEnv } from './hermetic-trust.js';
export {
  applyPatch,
  type CustomOutputItem,
  type FunctionCallItem,
  type FunctionCallOptions,
  functionCall,
  message,
  type OutputItem,
  type OutputMessageItem,
  type PatchOperation,
  type ReasoningItem,
  rawItem,
  reasoning,
  renderPatchOperations,
  type ScriptItem,
  type ShellOptions,
  shell,
  streamedMessage,
  streamedReasoning,
} from './items.js';
export { processAlive, type WaitForProcessExitOptions, waitForProcessExit } from './process-exit.js';
export {
  assistantTexts,
  developerTexts,
  functionCallOutput,
  functionCallOutputs,
  functionCalls,
  type InputContentPart,
  type InputFunctionCall,
  type InputFunctionCallOutput,
  type InputItem,
  type InputMessage,
  instructions,
  isInjectedContext,
  lastUserText,
  outputSchema,
  type RecordedRequest,
  type RequestLike,
  type ResponsesRequestBody,
  type TextFormat,
  textFormat,
  toolNames,
  type UserTextsOptions,
  userTexts,
} from './recorded-request.js';
export {
  CODEX_BIN_ENV,
  type CodexPlatformTarget,
  codexPlatformTarget,
  type ResolveCodexBinOptions,
  resolveCodexBin,
} from './resolve-codex-bin.js';
export {
  type ScriptedHarness,
  type ScriptedHarnessOptions,
  startScriptedHarness,
} from './scripted-harness.js';
export {
  type ScriptedModel,
  type ScriptedModelOptions,
  startScriptedModel,
  type WaitOptions,
} from './scripted-model.js';
export { type SuiteHooks, useSharedHarness } from './shared-harness.js';
export { DEFAULT_USAGE, encodeSseEvent, responseEvents, type SseEvent } from './sse.js';
export {
  delayed,
  type FailStep,
  failure,
  type HangStep,
  type HttpErrorStep,
  hang,
  httpError,
  type RespondStep,
  type ResponseUsage,
  type ScriptEntry,
  type ScriptStep,
  type StaticScriptEntry,
  type StepFunction,
  type StepTiming,
  step,
  toStep,
} from './steps.js';
