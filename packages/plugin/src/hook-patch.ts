import type { PrePhase } from './hook-phase.js';
import { isRecord, nonEmpty } from './internal/guards.js';
import { REASONING_EFFORTS, type ReasoningEffort } from './vocabulary.js';

/** An input item a patch adds after the prompt: a local image file or an image URL. */
export type HookImage = { type: 'localImage'; path: string } | { type: 'image'; url: string };

/**
 * What a pre-hook changes. Folded in hook order: `prompt`, `model` and `effort` replace (the last
 * hook wins); `instructions` and `images` add up.
 */
export interface HookPatch {
  /** Replaces the prompt's text (image and other items of the prompt stay). */
  prompt?: string;
  model?: string;
  effort?: ReasoningEffort;
  /** Extra instructions: the session's developer instructions, or a text item ahead of a turn's prompt. */
  instructions?: string;
  /** Images added after the prompt. */
  images?: readonly HookImage[];
  /**
   * PreToolUse of an in-process tool (`tool()` in @codexus/runtime): replaces the call's arguments
   * (checked again by the tool's schema). Other tool kinds ignore it.
   */
  arguments?: Readonly<Record<string, unknown>>;
}

/** Which patch fields each pre-phase accepts; any other field makes the patch invalid there. */
export const PATCH_FIELDS: Readonly<Record<PrePhase, readonly (keyof HookPatch)[]>> = {
  PreRun: ['prompt', 'model', 'effort', 'instructions', 'images'],
  PreSessionStart: ['model', 'effort', 'instructions'],
  PreTurn: ['prompt', 'model', 'effort', 'instructions', 'images'],
  PreToolUse: ['arguments'],
};

const FIELDS: readonly string[] = [...PATCH_FIELDS.PreRun, ...PATCH_FIELDS.PreToolUse];

/**
 * Checks a patch as strictly as user input: known fields only, the right types, a non-empty prompt
 * and model, a known effort, well-formed images, and (given a phase) only the fields it accepts.
 * Returns the problems; empty means valid.
 */
export function validateHookPatch(patch: unknown, phase?: PrePhase): string[] {
  if (!isRecord(patch)) return ['a patch must be an object'];
  const problems: string[] = [];
  for (const key of Object.keys(patch)) {
    if (!FIELDS.includes(key)) problems.push(`unknown patch field "${key}"`);
    else if (phase && !(PATCH_FIELDS[phase] as readonly string[]).includes(key))
      problems.push(`${phase} cannot patch "${key}"`);
  }
  const { prompt, model, effort, instructions, images } = patch;
  if (patch.arguments !== undefined && !isRecord(patch.arguments))
    problems.push('arguments must be an object');
  if (prompt !== undefined && !nonEmpty(prompt)) problems.push('prompt must be a non-empty string');
  if (model !== undefined && !nonEmpty(model)) problems.push('model must be a non-empty string');
  if (effort !== undefined && !(REASONING_EFFORTS as readonly unknown[]).includes(effort))
    problems.push(`effort must be one of ${REASONING_EFFORTS.join(', ')}`);
  if (instructions !== undefined && !nonEmpty(instructions))
    problems.push('instructions must be a non-empty string');
  if (images !== undefined) {
    if (!Array.isArray(images)) problems.push('images must be an array');
    else
      images.forEach((item: unknown, i) => {
        if (!isImageItem(item))
          problems.push(`images[${i}] must be {type:'localImage',path} or {type:'image',url}`);
      });
  }
  return problems;
}

/** Folds `next` onto `base` with the rules of {@link HookPatch}. */
export function foldHookPatches(base: HookPatch, next: HookPatch): HookPatch {
  const folded: HookPatch = { ...base };
  if (next.prompt !== undefined) folded.prompt = next.prompt;
  if (next.model !== undefined) folded.model = next.model;
  if (next.effort !== undefined) folded.effort = next.effort;
  if (next.instructions !== undefined)
    folded.instructions = base.instructions
      ? `${base.instructions}\n\n${next.instructions}`
      : next.instructions;
  if (next.images !== undefined) folded.images = [...(base.images ?? []), ...next.images];
  if (next.arguments !== undefined) folded.arguments = next.arguments;
  return folded;
}

function isImageItem(item: unknown): item is HookImage {
  if (!isRecord(item)) return false;
  if (item.type === 'localImage') return nonEmpty(item.path);
  if (item.type === 'image') return nonEmpty(item.url);
  return false;
}
