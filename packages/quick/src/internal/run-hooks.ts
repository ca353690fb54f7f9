import type { HookReport } from '@codexus/plugin';
import {
  type HookEngine,
  type Prompt,
  PromptRunError,
  type PromptRunResult,
  promptText,
  type ReasoningEffort,
} from '@codexus/runtime';
import { applyHookPatch, runHookResult, throwIfBlocked } from '@codexus/runtime/internal';

/** What a PreRun hook may change about a run. */
export interface RunCall {
  prompt: Prompt;
  model?: string;
  effort?: ReasoningEffort;
  instructions?: string;
}

/**
 * `PreRun`: before anything is sent for the run. A block throws `HookBlockedError` (nothing sent);
 * a patch is folded into the call. Returns the call to run and a `finish` that runs `PostRun` once
 * the run settled and adds every run-level report to `result.hookReports`.
 */
export async function preRun(
  engine: HookEngine,
  cwd: string,
  call: RunCall,
  signal: AbortSignal | undefined,
): Promise<{
  call: RunCall;
  finish: (result?: PromptRunResult, error?: unknown) => Promise<PromptRunResult>;
}> {
  const runs = engine.has('PreRun') || engine.has('PostRun');
  const pre = runs
    ? await engine.runPre(
        'PreRun',
        { cwd, prompt: promptText(call.prompt), model: call.model, effort: call.effort },
        { signal },
      )
    : undefined;
  const patch = pre ? throwIfBlocked(pre) : undefined;
  const patched = patch ? applyHookPatch(call, patch) : call;
  const finish = async (result?: PromptRunResult, error?: unknown): Promise<PromptRunResult> => {
    const settled = result ?? (PromptRunError.isInstance(error) ? error.partial : undefined);
    const post: HookReport[] = runs
      ? await engine.runPost('PostRun', {
          cwd,
          threadId: settled?.threadId,
          turnId: settled?.turnId,
          prompt: promptText(patched.prompt),
          result: settled ? runHookResult(settled, error as Error | undefined) : undefined,
        })
      : [];
    const reports = [...(pre?.reports ?? []), ...post];
    if (settled && reports.length > 0) settled.hookReports = [...(settled.hookReports ?? []), ...reports];
    if (error !== undefined || !result) throw error;
    return result;
  };
  return { call: patched, finish };
}
