import { type HookPatch, validateHookPatch } from './hook-patch.js';
import type { PrePhase } from './hook-phase.js';
import { isRecord, nonEmpty } from './internal/guards.js';

/** Why a hook blocked. `message` is for people (it ends up in the error); `code` is for programs. */
export interface BlockReason {
  message: string;
  code?: string;
  data?: Readonly<Record<string, unknown>>;
}

/** What a pre-hook decides: go on unchanged, go on with a patch, or stop the action. */
export type HookAction =
  | { type: 'continue' }
  | { type: 'patch'; patch: HookPatch }
  | { type: 'block'; reason: BlockReason };

export type HookActionType = HookAction['type'];

/** A checked action, or the problems that make the value no action. */
export type ParsedHookAction = { ok: true; action: HookAction } | { ok: false; problems: string[] };

/**
 * Checks a value (a hook's return value, a command's JSON output) as a {@link HookAction}; with a
 * phase, a patch must only touch the fields that phase accepts. `undefined` is not an action: a hook
 * says `continue` explicitly.
 */
export function parseHookAction(value: unknown, phase?: PrePhase): ParsedHookAction {
  if (!isRecord(value)) return { ok: false, problems: ['an action must be an object with a "type"'] };
  switch (value.type) {
    case 'continue':
      return { ok: true, action: { type: 'continue' } };
    case 'patch': {
      const problems = validateHookPatch(value.patch, phase);
      if (problems.length > 0) return { ok: false, problems };
      return { ok: true, action: { type: 'patch', patch: value.patch as HookPatch } };
    }
    case 'block': {
      const reason = value.reason;
      if (nonEmpty(reason)) return { ok: true, action: { type: 'block', reason: { message: reason } } };
      if (!isRecord(reason) || !nonEmpty(reason.message))
        return { ok: false, problems: ['a block needs a reason: { message } or a non-empty string'] };
      if (reason.code !== undefined && typeof reason.code !== 'string')
        return { ok: false, problems: ['reason.code must be a string'] };
      if (reason.data !== undefined && !isRecord(reason.data))
        return { ok: false, problems: ['reason.data must be an object'] };
      return { ok: true, action: { type: 'block', reason: reason as unknown as BlockReason } };
    }
    default:
      return { ok: false, problems: [`unknown action type ${JSON.stringify(value.type)}`] };
  }
}
