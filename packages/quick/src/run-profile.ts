import { validationError } from '@codexus/core';
import { type Hook, validateHook } from '@codexus/plugin';
import {
  type ApprovalHandler,
  type ApprovalPolicy,
  type AskOptions,
  type McpServerConfig,
  type OutputSpec,
  prepareOutput,
  type ReasoningEffort,
  type ResolvedSessionConfig,
  resolveSessionConfig,
  type SandboxMode,
  type ToolEntry,
} from '@codexus/runtime';
import { isPlainObject, rejectUnknownKeys } from './internal/validate.js';

/**
 * How to run: one object that becomes the session settings (thread) and the prompt settings (turn).
 * Every field is optional; what is left out gets the safe default (approval `never`, sandbox
 * `read-only`, effort `medium`, timeout 120 000 ms, privileged off).
 */
export interface RunProfile {
  /** The model name (default: the one in codex's config). */
  model?: string;
  /** Reasoning effort of every turn. */
  effort?: ReasoningEffort;
  approval?: ApprovalPolicy;
  /** `danger-full-access` needs `privileged: true`. */
  sandbox?: SandboxMode;
  /** Timeout of each turn (ms). Default 120 000. (A call's `timeoutMs` bounds a whole call.) */
  turnTimeoutMs?: number;
  /** Allows privileged sandboxes. Only ever enabled explicitly. */
  privileged?: boolean;
  /** Extra instructions for the model, sent as the thread's `developerInstructions`. */
  instructions?: string;
  /** Image paths or URLs, attached after the prompt of every run (the turn's `images`). */
  images?: readonly string[];
  /** Hooks of `@codexus/plugin` (`PreHook` / `PostHook`), installed on the session. */
  hooks?: readonly Hook[];
  /** Answers the session's approval requests. Without one, requests get the fail-closed answer. */
  approvalHandler?: ApprovalHandler;
  /** A raw JSON Schema the final message of every run must follow (`text` stays unparsed). */
  outputSchema?: Record<string, unknown>;
  /** A schema for the final message of every run: `result.output` is parsed and validated (see docs/runtime.md). */
  output?: OutputSpec;
  /**
   * In-process tools the model can call (`tool()`, `toolNamespace()` of `@codexus/runtime`); the
   * run's codex connection enables the experimental capability they need (see docs/tools.md).
   */
  tools?: readonly ToolEntry[];
  /** MCP servers for the run's thread (stdio command or streamable HTTP URL), checked before spawning. */
  mcpServers?: Readonly<Record<string, McpServerConfig>>;
}

/** A profile turned into settings: `session` for `startSession`, `ask` for every `ask`. */
export interface ResolvedRunProfile {
  session: ResolvedSessionConfig;
  ask: Pick<AskOptions, 'images' | 'outputSchema' | 'output'>;
  hooks: readonly Hook[];
}

const PROFILE_KEYS: ReadonlySet<string> = new Set<keyof RunProfile>([
  'model',
  'effort',
  'approval',
  'sandbox',
  'turnTimeoutMs',
  'privileged',
  'instructions',
  'images',
  'hooks',
  'approvalHandler',
  'outputSchema',
  'output',
  'tools',
  'mcpServers',
]);

/**
 * Validates a profile and converts it into session and prompt settings, before anything is
 * spawned. Unknown keys (typos such as `priviledged`), wrong types, unknown enum values, a relative
 * `cwd` and a privileged sandbox without `privileged: true` fail with `VALIDATION_FAILED`.
 */
export function resolveRunProfile(cwd: string, profile: RunProfile = {}): ResolvedRunProfile {
  if (!isPlainObject(profile as unknown)) throw validationError('profile', 'the profile must be an object');
  rejectUnknownKeys('profile field', profile, PROFILE_KEYS);
  const { model, instructions, images, hooks, approvalHandler, outputSchema, output } = profile;
  if (model !== undefined && (typeof model !== 'string' || model === '')) {
    throw validationError('model', 'model must be a non-empty string');
  }
  if (instructions !== undefined && typeof instructions !== 'string') {
    throw validationError('instructions', 'instructions must be a string');
  }
  if (images !== undefined && !isStringList(images)) {
    throw validationError('images', 'images must be a list of non-empty image paths or URLs');
  }
  if (hooks !== undefined && !Array.isArray(hooks)) throw validationError('hooks', 'hooks must be a list');
  for (const [i, hook] of (hooks ?? []).entries()) {
    const problems = validateHook(hook);
    if (problems.length > 0)
      throw validationError(`hooks[${i}]`, `hook ${i} is invalid: ${problems.join('; ')}`);
  }
  if (approvalHandler !== undefined && typeof approvalHandler !== 'function') {
    throw validationError('approvalHandler', 'approvalHandler must be a function');
  }
  if (outputSchema !== undefined && !isPlainObject(outputSchema)) {
    throw validationError('outputSchema', 'outputSchema must be a JSON Schema object');
  }
  const session = resolveSessionConfig({
    cwd,
    model,
    approval: profile.approval,
    sandbox: profile.sandbox,
    effort: profile.effort,
    turnTimeoutMs: profile.turnTimeoutMs,
    privileged: profile.privileged,
    instructions,
    approvalHandler,
    hooks,
    tools: profile.tools,
    mcpServers: profile.mcpServers,
  });
  if (output !== undefined && outputSchema !== undefined) {
    throw validationError(
      'output',
      'pass either output (a schema) or outputSchema (raw JSON Schema), not both',
    );
  }
  const ask: ResolvedRunProfile['ask'] = {};
  if (images !== undefined && images.length > 0) ask.images = [...images];
  if (outputSchema !== undefined) ask.outputSchema = outputSchema;
  if (output !== undefined) {
    prepareOutput(output); // a schema that cannot be expressed is refused here, before anything is spawned
    ask.output = output;
  }
  return { session: dropUndefined(session), ask, hooks: hooks ?? [] };
}

function isStringList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '');
}

/** Keeps the settings object free of explicit `undefined`s (they would reach the wire as absent anyway). */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
