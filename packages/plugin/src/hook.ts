import { checkContractVersion } from './contract-version.js';
import type { HookAction } from './hook-action.js';
import type { HookContext } from './hook-context.js';
import { isHookPhase, isPostPhase, isPrePhase, type PostPhase, type PrePhase } from './hook-phase.js';
import type { PostHookResult } from './hook-report.js';
import { isRecord, nonEmpty } from './internal/guards.js';

/** The second argument of every hook: aborted when the hook runs out of time or the action is dropped. */
export interface HookRunOptions {
  signal: AbortSignal;
}

interface HookBase {
  /** Names the hook in reports and errors. */
  readonly name: string;
  /** The hook contract version it was written against (default: this package's). */
  readonly contractVersion?: string;
  /** Its own time limit (ms); default: the engine's. */
  readonly timeoutMs?: number;
  /** When present and false for a context, the engine skips the hook (no run, no report). */
  matches?(context: HookContext): boolean;
}

/** Runs before an action and decides: continue, patch, or block. */
export interface PreHook extends HookBase {
  readonly phases: readonly PrePhase[];
  run(context: HookContext, options: HookRunOptions): Promise<HookAction> | HookAction;
}

/** Runs after an action and observes it; may return data and issues for its report. */
export interface PostHook extends HookBase {
  readonly phases: readonly PostPhase[];
  run(
    context: HookContext,
    options: HookRunOptions,
  ): Promise<PostHookResult | undefined> | PostHookResult | undefined;
}

export type Hook = PreHook | PostHook;

/** A pre-hook has pre phases only, a post-hook post phases only. */
export function isPreHook(hook: Hook): hook is PreHook {
  return hook.phases.length > 0 && hook.phases.every(isPrePhase);
}

export function isPostHook(hook: Hook): hook is PostHook {
  return hook.phases.length > 0 && hook.phases.every(isPostPhase);
}

/**
 * Checks a value as a hook before it is registered: a name, a non-empty list of known phases that
 * are all pre or all post, a `run` function, a positive `timeoutMs`, and a compatible contract
 * major. Returns the problems; empty means valid.
 */
export function validateHook(hook: unknown): string[] {
  if (!isRecord(hook)) return ['a hook must be an object'];
  const problems: string[] = [];
  if (!nonEmpty(hook.name)) problems.push('name must be a non-empty string');
  const phases = hook.phases;
  if (!Array.isArray(phases) || phases.length === 0) problems.push('phases must be a non-empty array');
  else {
    for (const phase of phases)
      if (!isHookPhase(phase)) problems.push(`unknown phase ${JSON.stringify(phase)}`);
    if (!phases.every(isPrePhase) && !phases.every(isPostPhase))
      problems.push('phases must be all pre phases (PreHook) or all post phases (PostHook)');
  }
  if (typeof hook.run !== 'function') problems.push('run must be a function');
  if (hook.matches !== undefined && typeof hook.matches !== 'function')
    problems.push('matches must be a function');
  if (hook.timeoutMs !== undefined && !(typeof hook.timeoutMs === 'number' && hook.timeoutMs > 0))
    problems.push('timeoutMs must be a positive number of ms');
  const contract = checkContractVersion(hook.contractVersion);
  if (!contract.compatible) problems.push(contract.reason);
  return problems;
}
