import type { HookPhase } from './hook-phase.js';
import { isRecord } from './internal/guards.js';

/**
 * Why a hook did not run as meant: `validation` (it returned something that is no valid action or
 * patch), `execution` (it threw, or its command failed), `timeout` (no answer in time), `internal`
 * (the engine could not run it, e.g. a context that is not JSON).
 */
export const HOOK_ISSUE_CLASSES = ['validation', 'execution', 'timeout', 'internal'] as const;
export type HookIssueClass = (typeof HOOK_ISSUE_CLASSES)[number];

export interface HookIssue {
  class: HookIssueClass;
  message: string;
}

/**
 * What one hook run came to: for a pre-hook its decision (`failed` when it threw, timed out or
 * returned no valid action), for a post-hook `observed` (or `failed`).
 */
export type HookOutcome = 'continue' | 'patch' | 'block' | 'observed' | 'failed';

/** The record of one hook run, as the engine collects it (on results and in metrics). */
export interface HookReport {
  hook: string;
  phase: HookPhase;
  outcome: HookOutcome;
  issues: readonly HookIssue[];
  /** What a post-hook returned as `data`. */
  data?: Readonly<Record<string, unknown>>;
  threadId?: string;
  turnId?: string;
  durationMs: number;
}

/** What a post-hook may return: data to keep on its report, and problems it wants reported. */
export interface PostHookResult {
  data?: Readonly<Record<string, unknown>>;
  issues?: readonly HookIssue[];
}

/** Checks a post-hook's return value; `undefined` is fine (nothing to add). */
export function parsePostHookResult(
  value: unknown,
): { ok: true; result: PostHookResult } | { ok: false; problems: string[] } {
  if (value === undefined || value === null) return { ok: true, result: {} };
  if (!isRecord(value)) return { ok: false, problems: ['a post-hook returns nothing or { data?, issues? }'] };
  const problems: string[] = [];
  if (value.data !== undefined && !isRecord(value.data)) problems.push('data must be an object');
  if (value.issues !== undefined) {
    if (!Array.isArray(value.issues)) problems.push('issues must be an array');
    else
      value.issues.forEach((issue: unknown, i) => {
        if (!isIssue(issue)) problems.push(`issues[${i}] must be { class, message }`);
      });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, result: value as PostHookResult };
}

function isIssue(value: unknown): value is HookIssue {
  return (
    isRecord(value) &&
    (HOOK_ISSUE_CLASSES as readonly unknown[]).includes(value.class) &&
    typeof value.message === 'string'
  );
}
