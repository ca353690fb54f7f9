import type { HookReport, HookResult } from '@codexus/plugin';
import type { TurnStartParams } from '@codexus/protocol';
import { type InputItem, promptText } from '../prompt-input.js';
import { PromptRunError } from '../prompt-run-error.js';
import type { PromptRunResult } from '../prompt-run-event.js';
import type { ReasoningEffort } from '../session-config.js';
import { applyHookPatch, type HookPatchTarget } from './apply-hook-patch.js';
import { throwIfBlocked } from './hook-blocked-error.js';
import type { HookEngine } from './hook-engine.js';

/** Where a turn runs, for its hook contexts. */
export interface TurnHookScope {
  threadId: string;
  cwd: string;
  metadata?: Readonly<Record<string, unknown>>;
  signal?: AbortSignal;
}

/**
 * `PreTurn`, right before `turn/start`: gives the hooks the prompt's text, model and effort of the
 * `turn/start` params and returns the params to send, patched. A patch's `instructions` become a
 * text item ahead of the prompt (`turn/start` has no instructions field). A block throws
 * `HookBlockedError`: send nothing.
 */
export async function runPreTurn(
  engine: HookEngine,
  params: Readonly<TurnStartParams>,
  scope: TurnHookScope,
): Promise<{ params: TurnStartParams; reports: HookReport[] }> {
  if (!engine.has('PreTurn')) return { params: { ...params }, reports: [] };
  const input = (Array.isArray(params.input) ? params.input : []) as readonly unknown[] as InputItem[];
  const model = typeof params.model === 'string' ? params.model : undefined;
  const effort = typeof params.effort === 'string' ? (params.effort as ReasoningEffort) : undefined;
  const outcome = await engine.runPre(
    'PreTurn',
    {
      cwd: scope.cwd,
      threadId: scope.threadId,
      prompt: promptText(input),
      model,
      effort,
      metadata: scope.metadata,
    },
    { signal: scope.signal },
  );
  const patch = throwIfBlocked(outcome);
  if (!patch) return { params: { ...params }, reports: outcome.reports };
  const patched = applyHookPatch<HookPatchTarget>({ prompt: input, model, effort }, patch);
  const items = patched.prompt as InputItem[];
  const patchedInput = patched.instructions
    ? [{ type: 'text', text: patched.instructions }, ...items]
    : items;
  const next: TurnStartParams = {
    ...params,
    // The patched prompt is sent as it is: a hook answers for the items it adds.
    input: patchedInput as unknown as TurnStartParams['input'],
  };
  if (patched.model !== undefined) next.model = patched.model;
  if (patched.effort !== undefined) next.effort = patched.effort;
  return { params: next, reports: outcome.reports };
}

/** `PostTurn`, when the turn settled (completed, interrupted or failed): the hooks see the result. */
export function runPostTurn(
  engine: HookEngine,
  outcome: { result: PromptRunResult; error?: Error },
  scope: TurnHookScope & { prompt?: string },
): Promise<HookReport[]> {
  if (!engine.has('PostTurn')) return Promise.resolve([]);
  return engine.runPost(
    'PostTurn',
    {
      cwd: scope.cwd,
      threadId: scope.threadId,
      turnId: outcome.result.turnId || undefined,
      prompt: scope.prompt,
      result: runHookResult(outcome.result, outcome.error),
      metadata: scope.metadata,
    },
    { signal: scope.signal },
  );
}

/**
 * A run's or turn's result as post-hooks see it: `status` is the turn status, or the failure
 * reason (`timeout`, `inactivity`, `aborted`, `connectionClosed`) when it failed on the client side;
 * `error` is the message of the error the call failed with (or the server's turn error).
 */
export function runHookResult(result: PromptRunResult, error?: Error): HookResult {
  const clientSide = PromptRunError.isInstance(error) && error.reason !== 'failed';
  const hookResult: HookResult = {
    status: clientSide ? (error as PromptRunError).reason : result.status,
    text: result.text,
    value: result,
  };
  const message = error?.message ?? result.error?.message;
  if (message !== undefined) hookResult.error = message;
  return hookResult;
}
