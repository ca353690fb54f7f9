import type { HookReport } from '@codexus/plugin';
import { type ResolvedSessionConfig, resolveSessionConfig } from '../session-config.js';
import { applyHookPatch } from './apply-hook-patch.js';
import { throwIfBlocked } from './hook-blocked-error.js';
import type { HookEngine } from './hook-engine.js';

export interface SessionHookScope {
  metadata?: Readonly<Record<string, unknown>>;
  signal?: AbortSignal;
}

/**
 * `PreSessionStart`, after the config is validated and before `thread/start`: hooks may patch the
 * model, the effort and the instructions (added to the session's `instructions`). The patched config is
 * validated again like user input. A block throws `HookBlockedError`: no thread is started.
 */
export async function runPreSessionStart<C extends ResolvedSessionConfig>(
  engine: HookEngine,
  config: C,
  scope: SessionHookScope = {},
): Promise<{ config: C; reports: HookReport[] }> {
  if (!engine.has('PreSessionStart')) return { config, reports: [] };
  const outcome = await engine.runPre(
    'PreSessionStart',
    { cwd: config.cwd, model: config.model, effort: config.effort, metadata: scope.metadata },
    { signal: scope.signal },
  );
  const patch = throwIfBlocked(outcome);
  if (!patch) return { config, reports: outcome.reports };
  const patched = applyHookPatch(
    { model: config.model, effort: config.effort, instructions: config.instructions },
    patch,
  );
  const next = resolveSessionConfig({
    ...config,
    model: patched.model,
    effort: patched.effort,
    instructions: patched.instructions,
  }) as C;
  return { config: next, reports: outcome.reports };
}

/** `PostSessionStart`, after `thread/start` answered: the hooks see the thread (`result.value`). */
export function runPostSessionStart(
  engine: HookEngine,
  started: {
    threadId: string;
    config: ResolvedSessionConfig;
    /** The thread/start (resume, fork) result, read defensively (an older server may leave fields out). */
    info: { readonly cwd?: unknown; readonly model?: unknown };
  },
  scope: SessionHookScope = {},
): Promise<HookReport[]> {
  if (!engine.has('PostSessionStart')) return Promise.resolve([]);
  const { threadId, config, info } = started;
  return engine.runPost(
    'PostSessionStart',
    {
      cwd: typeof info.cwd === 'string' ? info.cwd : config.cwd,
      threadId,
      model: typeof info.model === 'string' ? info.model : config.model,
      effort: config.effort,
      result: { status: 'started', value: info },
      metadata: scope.metadata,
    },
    { signal: scope.signal },
  );
}
