import { CodexusError } from '@codexus/core';
import { type HookPatch, validateHookPatch } from '@codexus/plugin';
import { type InputItem, type Prompt, toTurnInput } from '../prompt-input.js';
import type { ReasoningEffort } from '../session-config.js';

/** The parts of a call a patch can change. */
export interface HookPatchTarget {
  prompt?: Prompt;
  model?: string;
  effort?: ReasoningEffort;
  instructions?: string;
}

/**
 * Applies a patch to a call, checked like user input (`VALIDATION_FAILED`, nothing applied, when it
 * does not pass): `prompt` replaces the prompt's text (its other items stay), `images` are added
 * after the prompt, `instructions` are added after the target's own (a blank line between),
 * `model` and `effort` replace. Returns a new target; the given one is not changed.
 */
export function applyHookPatch<T extends HookPatchTarget>(target: T, patch: HookPatch): T {
  const problems = validateHookPatch(patch);
  if (problems.length > 0) {
    throw new CodexusError('VALIDATION_FAILED', `invalid hook patch: ${problems.join('; ')}`, {
      data: { path: 'patch', problems },
    });
  }
  const next: T = { ...target };
  if (patch.prompt !== undefined || patch.images !== undefined) {
    if (target.prompt === undefined)
      throw new CodexusError('VALIDATION_FAILED', 'invalid hook patch: this call has no prompt to patch', {
        data: { path: 'patch.prompt' },
      });
    let items: InputItem[] =
      typeof target.prompt === 'string' ? [{ type: 'text', text: target.prompt }] : [...target.prompt];
    if (patch.prompt !== undefined) items = replaceText(items, patch.prompt);
    for (const image of patch.images ?? []) items.push({ ...image });
    next.prompt = toTurnInput(items); // the same checks as a user's prompt
  }
  if (patch.instructions !== undefined)
    next.instructions = target.instructions
      ? `${target.instructions}\n\n${patch.instructions}`
      : patch.instructions;
  if (patch.model !== undefined) next.model = patch.model;
  if (patch.effort !== undefined) next.effort = patch.effort;
  return next;
}

/** The text items become one, at the place of the first (or first of all when there was none). */
function replaceText(items: readonly InputItem[], text: string): InputItem[] {
  const first = items.findIndex((item) => item.type === 'text');
  const rest: InputItem[] = items.filter((item) => item.type !== 'text');
  rest.splice(Math.max(first, 0), 0, { type: 'text', text }); // the items before the first text stay before it
  return rest;
}
