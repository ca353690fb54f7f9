import { validationError } from '@codexus/core';
import type { Hook } from '@codexus/plugin';
import type { ApprovalHandler, TimeoutAction } from './approval-request.js';
import { SAFE_DEFAULTS } from './defaults.js';

export type ApprovalPolicy = 'never' | 'on-request' | 'untrusted';
export type SandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';
export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

const APPROVALS: readonly ApprovalPolicy[] = ['never', 'on-request', 'untrusted'];
const SANDBOXES: readonly SandboxMode[] = ['read-only', 'workspace-write', 'danger-full-access'];
const EFFORTS: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

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
  /** Per-turn timeout (ms). Default 120 000. */
  timeoutMs?: number;
  /** Fails a turn when no event arrived for this long (ms). Off by default. */
  inactivityTimeoutMs?: number;
  /** Allows privileged sandboxes. Default false; only ever enabled explicitly. */
  privileged?: boolean;
  baseInstructions?: string;
  developerInstructions?: string;
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
}

export type ResolvedSessionConfig = SessionConfig &
  Required<Pick<SessionConfig, 'approval' | 'sandbox' | 'effort' | 'timeoutMs' | 'privileged'>>;

/**
 * Applies the safe defaults and validates a session config before any RPC: unknown enum values,
 * a relative cwd, and a privileged sandbox without `privileged: true` fail with `VALIDATION_FAILED`.
 */
export function resolveSessionConfig(config: SessionConfig): ResolvedSessionConfig {
  const resolved: ResolvedSessionConfig = {
    ...config,
    approval: config.approval ?? SAFE_DEFAULTS.approval,
    sandbox: config.sandbox ?? SAFE_DEFAULTS.sandbox,
    effort: config.effort ?? SAFE_DEFAULTS.effort,
    timeoutMs: config.timeoutMs ?? SAFE_DEFAULTS.timeoutMs,
    privileged: config.privileged ?? SAFE_DEFAULTS.privileged,
  };
  if (typeof resolved.cwd !== 'string' || !isAbsolute(resolved.cwd)) {
    throw validationError('cwd', `cwd must be an absolute path, got ${JSON.stringify(resolved.cwd)}`);
  }
  oneOf('approval', resolved.approval, APPROVALS);
  oneOf('sandbox', resolved.sandbox, SANDBOXES);
  oneOf('effort', resolved.effort, EFFORTS);
  positive('timeoutMs', resolved.timeoutMs);
  if (resolved.inactivityTimeoutMs !== undefined)
    positive('inactivityTimeoutMs', resolved.inactivityTimeoutMs);
  if (resolved.approvalTimeoutMs !== undefined) positive('approvalTimeoutMs', resolved.approvalTimeoutMs);
  assertPrivilege(resolved.sandbox, resolved.privileged);
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
export function threadParams(config: ResolvedSessionConfig): Record<string, unknown> {
  const params: Record<string, unknown> = {
    cwd: config.cwd,
    approvalPolicy: config.approval,
    sandbox: config.sandbox,
  };
  if (config.model !== undefined) params.model = config.model;
  if (config.baseInstructions !== undefined) params.baseInstructions = config.baseInstructions;
  if (config.developerInstructions !== undefined) params.developerInstructions = config.developerInstructions;
  if (config.ephemeral !== undefined) params.ephemeral = config.ephemeral;
  if (config.config !== undefined) params.config = config.config;
  return params;
}

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
