import { CodexusError } from '@codexus/core';
import type { BlockReason, HookPatch, HookReport, PrePhase } from '@codexus/plugin';
import type { PreHookOutcome } from './hook-engine.js';

/**
 * A pre-hook blocked the call (`HOOK_BLOCKED`); nothing was sent to codex. Names the hook and its
 * reason; `reports` holds the reports of the hooks that ran in that phase.
 */
export class HookBlockedError extends CodexusError {
  static override readonly brand: string = 'codexus.error.HookBlockedError';
  readonly phase: PrePhase;
  readonly hook: string;
  readonly reason: BlockReason;
  readonly reports: readonly HookReport[];

  constructor(phase: PrePhase, hook: string, reason: BlockReason, reports: readonly HookReport[] = []) {
    super('HOOK_BLOCKED', `${phase} blocked by hook "${hook}": ${reason.message}`, {
      data: { phase, hook, reason },
    });
    this.name = 'HookBlockedError';
    this.phase = phase;
    this.hook = hook;
    this.reason = reason;
    this.reports = reports;
  }
}

/** Throws the outcome's {@link HookBlockedError} when it is a block; else returns its patch, if any. */
export function throwIfBlocked(outcome: PreHookOutcome): HookPatch | undefined {
  const { action } = outcome;
  if (action.type === 'block')
    throw new HookBlockedError(
      outcome.phase,
      outcome.blockedBy ?? '(unknown)',
      action.reason,
      outcome.reports,
    );
  return action.type === 'patch' ? action.patch : undefined;
}
