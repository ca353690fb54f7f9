import { stat } from 'node:fs/promises';
import { validationError } from '@codexus/core';
import {
  APPROVAL_POLICIES,
  type ApprovalPolicy,
  type Hook,
  REASONING_EFFORTS,
  type ReasoningEffort,
  SANDBOX_MODES,
  type SandboxMode,
} from '@codexus/plugin';
import type { ThreadForkParams, ThreadResumeParams, ThreadStartParams } from '@codexus/protocol';
import type { ApprovalHandler, TimeoutAction } from './approval-request.js';
import { SAFE_DEFAULTS } from './defaults.js';
import { type McpServerConfig, mcpServersConfig } from './tools/mcp-servers.js';
import type { ToolEntry } from './tools/tool-namespace.js';
import { toolSpecs } from './tools/tool-registry.js';

export {
  APPROVAL_POLICIES,
  type ApprovalPolicy,
  REASONING_EFFORTS,
  type ReasoningEffort,
  SANDBOX_MODES,
  type SandboxMode,
};

export interface SessionConfig {
  /** Working directory of the thread (absolute path). */
  cwd: string;
  model?: string;
  /** Default `never`. */
  approval?: ApprovalPolicy;
  /** Default `read-only`. `danger-full-access` needs `privileged: true`. */
  sandbox?: SandboxMode;
  /** Default `medium`. */
  effort?: ReasoningEffort;
  /** Each turn's timeout (ms). Default 120 000; an `ask`'s own `timeoutMs` wins for that turn. */
  turnTimeoutMs?: number;
  /** Fails a turn when no event arrived for this long (ms). Off by default. */
  inactivityTimeoutMs?: number;
  /** Allows privileged sandboxes. Default false; only ever enabled explicitly. */
  privileged?: boolean;
  baseInstructions?: string;
  /** Instructions added to codex's own, as a developer message (the thread's `developerInstructions`). */
  instructions?: string;
  /** Write nothing to disk for this thread. */
  ephemeral?: boolean;
  /** Answers this session's approvals (before the client's handler). */
  approvalHandler?: ApprovalHandler;
  approvalTimeoutMs?: number;
  timeoutAction?: TimeoutAction;
  /** This session's hooks; they run after the client's. */
  hooks?: readonly Hook[];
  /** Extra thread config (`thread/start`'s `config`). */
  config?: Record<string, unknown>;
  /**
   * How long codex keeps the thread loaded once no connection listens to it any more (after
   * `session.close()`, or when the connection drops), in ms; sent as the thread's
   * `thread_unload_delay_secs` (rounded up to whole seconds). Default 0: a closed session frees the
   * thread in codex at once (codex's own default is 60 s). `config.thread_unload_delay_secs` wins.
   */
  unloadDelayMs?: number;
  /**
   * In-process tools the model can call (`tool()`, `toolNamespace()`), answered by this process. Sent
   * as `thread/start`'s `dynamicTools` (an experimental codex field: the client enables the
   * capability for them, see `ClientConfig.tools`). Checked before any RPC.
   */
  tools?: readonly ToolEntry[];
  /** MCP servers for this thread (stdio command or streamable HTTP URL); mapped to codex's `mcp_servers`. */
  mcpServers?: Readonly<Record<string, McpServerConfig>>;
}

/** Every field of {@link SessionConfig}: a key outside it (a typo, a renamed field) is refused. */
const SESSION_CONFIG_KEYS: ReadonlySet<string> = new Set(
  Object.keys({
    cwd: true,
    model: true,
    approval: true,
    sandbox: true,
    effort: true,
    turnTimeoutMs: true,
    inactivityTimeoutMs: true,
    privileged: true,
    baseInstructions: true,
    instructions: true,
    ephemeral: true,
    approvalHandler: true,
    approvalTimeoutMs: true,
    timeoutAction: true,
    hooks: true,
    config: true,
    unloadDelayMs: true,
    tools: true,
    mcpServers: true,
  } satisfies Record<keyof SessionConfig, true>),
);

export type ResolvedSessionConfig = SessionConfig &
  Required<
    Pick<SessionConfig, 'approval' | 'sandbox' | 'effort' | 'turnTimeoutMs' | 'privileged' | 'unloadDelayMs'>
  >;

/**
 * Applies the safe defaults and validates a session config before any RPC: unknown enum values,
 * a relative cwd, and a privileged sandbox without `privileged: true` fail with `VALIDATION_FAILED`.
 */
export function resolveSessionConfig(config: SessionConfig): ResolvedSessionConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw validationError('config', 'the session config must be an object');
  for (const key of Object.keys(config)) {
    if (SESSION_CONFIG_KEYS.has(key)) continue;
    const hint = key === 'timeoutMs' ? ' (the per-turn timeout is `turnTimeoutMs`)' : '';
    throw validationError(key, `unknown session config field ${JSON.stringify(key)}${hint}`);
  }
  const resolved: ResolvedSessionConfig = {
    ...config,
    approval: config.approval ?? SAFE_DEFAULTS.approval,
    sandbox: config.sandbox ?? SAFE_DEFAULTS.sandbox,
    effort: config.effort ?? SAFE_DEFAULTS.effort,
    turnTimeoutMs: config.turnTimeoutMs ?? SAFE_DEFAULTS.turnTimeoutMs,
    privileged: config.privileged ?? SAFE_DEFAULTS.privileged,
    unloadDelayMs: config.unloadDelayMs ?? SAFE_DEFAULTS.unloadDelayMs,
  };
  if (typeof resolved.cwd !== 'string' || !isAbsolute(resolved.cwd)) {
    throw validationError('cwd', `cwd must be an absolute path, got ${JSON.stringify(resolved.cwd)}`);
  }
  oneOf('approval', resolved.approval, APPROVAL_POLICIES);
  oneOf('sandbox', resolved.sandbox, SANDBOX_MODES);
  oneOf('effort', resolved.effort, REASONING_EFFORTS);
  positive('turnTimeoutMs', resolved.turnTimeoutMs);
  if (resolved.inactivityTimeoutMs !== undefined)
    positive('inactivityTimeoutMs', resolved.inactivityTimeoutMs);
  if (resolved.approvalTimeoutMs !== undefined) positive('approvalTimeoutMs', resolved.approvalTimeoutMs);
  if (
    !(
      typeof resolved.unloadDelayMs === 'number' &&
      resolved.unloadDelayMs >= 0 &&
      resolved.unloadDelayMs <= MAX_UNLOAD_DELAY_MS
    )
  )
    throw validationError(
      'unloadDelayMs',
      `unloadDelayMs must be a number of ms from 0 to ${MAX_UNLOAD_DELAY_MS}`,
    );
  assertPrivilege(resolved.sandbox, resolved.privileged);
  if (resolved.tools !== undefined) toolSpecs(resolved.tools);
  if (resolved.mcpServers !== undefined) mcpServersConfig(resolved.mcpServers);
  return resolved;
}

/** `danger-full-access` (thread or turn) without `privileged: true` is refused before any RPC. */
export function assertPrivilege(
  sandbox: SandboxMode | string | undefined,
  privileged: boolean | undefined,
): void {
  if ((sandbox === 'danger-full-access' || sandbox === 'dangerFullAccess') && privileged !== true) {
    throw validationError(
      'sandbox',
      'sandbox "danger-full-access" needs privileged: true (privilege is only ever enabled explicitly)',
    );
  }
}

/** The `thread/start` (and resume/fork) params for a resolved config. */
export function threadParams(config: ResolvedSessionConfig): ThreadStartParams {
  const params: ThreadStartParams = {
    cwd: config.cwd,
    approvalPolicy: config.approval,
    sandbox: config.sandbox,
  };
  if (config.model !== undefined) params.model = config.model;
  if (config.baseInstructions !== undefined) params.baseInstructions = config.baseInstructions;
  if (config.instructions !== undefined) params.developerInstructions = config.instructions;
  if (config.ephemeral !== undefined) params.ephemeral = config.ephemeral;
  // Tools go with thread/start only (resume and fork keep the thread's own; see reopenParams).
  if (config.tools !== undefined && config.tools.length > 0)
    params.dynamicTools = [...toolSpecs(config.tools)];
  // The thread's unload delay goes with every start/resume/fork, so a closed session frees it.
  params.config = {
    thread_unload_delay_secs: Math.ceil(config.unloadDelayMs / 1_000),
    ...(config.mcpServers === undefined ? {} : { mcp_servers: mcpServersConfig(config.mcpServers) }),
    ...config.config,
  };
  return params;
}

/** `thread/resume` and `thread/fork` params: these take no `dynamicTools` (nor `ephemeral` on resume). */
export function reopenParams(
  method: 'thread/resume' | 'thread/fork',
  config: ResolvedSessionConfig,
  threadId: string,
): ThreadResumeParams | ThreadForkParams {
  const { dynamicTools: _start, ephemeral, ...shared } = threadParams(config);
  if (method === 'thread/resume' || typeof ephemeral !== 'boolean') return { ...shared, threadId };
  return { ...shared, threadId, ephemeral };
}

/**
 * Refuses a `cwd` that is not an existing directory on this machine (`VALIDATION_FAILED` naming the
 * path), before any RPC: codex would start the thread anyway and every command in it would fail.
 * Only for a codex that runs here: a remote server's paths are not ours to check.
 */
export async function assertCwdDirectory(cwd: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(cwd)).isDirectory();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw validationError(
      'cwd',
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `cwd ${JSON.stringify(cwd)} does not exist`
        : `cwd ${JSON.stringify(cwd)} cannot be read (${String(code ?? error)})`,
      { cwd, reason: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable' },
    );
  }
  if (!isDirectory)
    throw validationError('cwd', `cwd ${JSON.stringify(cwd)} is not a directory`, {
      cwd,
      reason: 'notDirectory',
    });
}

/** codex refuses larger `thread_unload_delay_secs` values ("too large"); one day is plenty. */
const MAX_UNLOAD_DELAY_MS = 86_400_000;

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

function oneOf<T extends string>(field: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) {
    throw validationError(
      field,
      `${field} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`,
    );
  }
}

function positive(field: string, value: number): void {
  if (!(typeof value === 'number' && value > 0))
    throw validationError(field, `${field} must be a positive number of ms`);
}
