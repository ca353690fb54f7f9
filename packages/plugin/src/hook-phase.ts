/** Every lifecycle phase a hook can run at, in the order a run meets them. */
export const HOOK_PHASES = [
  'PreRun',
  'PostRun',
  'PreSessionStart',
  'PostSessionStart',
  'PreTurn',
  'PostTurn',
  'PreToolUse',
  'PostToolUse',
] as const;

export type HookPhase = (typeof HOOK_PHASES)[number];

/** The phases before an action: their hooks may continue, patch or block. */
export const PRE_PHASES = ['PreRun', 'PreSessionStart', 'PreTurn', 'PreToolUse'] as const;
export type PrePhase = (typeof PRE_PHASES)[number];

/** The phases after an action: their hooks observe and report. */
export const POST_PHASES = ['PostRun', 'PostSessionStart', 'PostTurn', 'PostToolUse'] as const;
export type PostPhase = (typeof POST_PHASES)[number];

export function isHookPhase(value: unknown): value is HookPhase {
  return typeof value === 'string' && (HOOK_PHASES as readonly string[]).includes(value);
}

export function isPrePhase(value: unknown): value is PrePhase {
  return typeof value === 'string' && (PRE_PHASES as readonly string[]).includes(value);
}

export function isPostPhase(value: unknown): value is PostPhase {
  return typeof value === 'string' && (POST_PHASES as readonly string[]).includes(value);
}
