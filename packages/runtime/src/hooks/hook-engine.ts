import {
  CodexusError,
  type Logger,
  type Subscription,
  silentLogger,
  toSubscription,
  validationError,
} from '@codexus/core';
import { Emitter, percentile } from '@codexus/core/internal';
import {
  foldHookPatches,
  HOOK_ISSUE_CLASSES,
  type Hook,
  type HookAction,
  type HookContext,
  HookError,
  type HookIssue,
  type HookIssueClass,
  type HookOutcome,
  type HookPatch,
  type HookPhase,
  type HookReport,
  isPostPhase,
  isPrePhase,
  type PostHook,
  type PostPhase,
  type PreHook,
  type PrePhase,
  parseHookAction,
  parsePostHookResult,
  validateHook,
} from '@codexus/plugin';
import { settleOrAbort } from '../internal/settle-or-abort.js';

/** What a failing pre-hook (throws, times out, returns no valid action) means outside `PreToolUse`. */
export type HookFailurePolicy = 'block' | 'continue';

/** Default time limit of one hook run (ms), when neither the hook nor the engine sets one. */
export const DEFAULT_HOOK_TIMEOUT_MS = 10_000;

export interface HookEngineOptions {
  /** Registered in this order (after the parent's hooks, for an engine made by `extend`). */
  hooks?: readonly Hook[];
  /** Time limit of one hook run (ms) for hooks without their own `timeoutMs`. Default 10 000. */
  timeoutMs?: number;
  /**
   * A failing pre-hook on `PreRun`, `PreSessionStart` or `PreTurn` blocks (default) or is skipped.
   * On `PreToolUse` a failing hook always blocks (fail closed: the tool is declined).
   */
  onFailure?: HookFailurePolicy;
  /** Merged into every context's `metadata` (a call's own metadata wins). */
  metadata?: Readonly<Record<string, unknown>>;
  logger?: Logger;
}

/** A context as a call site gives it; the engine adds the phase and merges the metadata. */
export type HookContextInit = Omit<HookContext, 'phase' | 'metadata'> & {
  metadata?: Readonly<Record<string, unknown>>;
};

export interface HookRunCallOptions {
  /** Aborts the hooks (they see their signal abort) and rejects the run with `ABORTED`. */
  signal?: AbortSignal;
}

/**
 * The result of a pre-phase: `continue`, one `patch` folded from every patching hook in order, or
 * the first `block` (the hooks after it did not run).
 */
export interface PreHookOutcome {
  phase: PrePhase;
  action: HookAction;
  /** The hook that blocked (also when it blocked by failing). */
  blockedBy?: string;
  reports: HookReport[];
}

export interface HookMetrics {
  /** Hook runs (skipped hooks, whose `matches` said no, do not count). */
  runs: number;
  outcomes: Record<HookOutcome, number>;
  issues: Record<HookIssueClass, number>;
  /** Duration of the last 1 000 runs (ms). */
  p50Ms: number;
  p95Ms: number;
}

const DURATION_WINDOW = 1_000;
const FAILURE_POLICIES: readonly HookFailurePolicy[] = ['block', 'continue'];

type Invocation = { ok: true; value: unknown } | { ok: false; issue: HookIssue };

/**
 * Runs hooks for the runtime's call sites. An engine holds an ordered list of hooks; `extend` makes
 * a child whose hooks run after the parent's (client hooks, then session hooks). Pre-phases run in
 * order, fold patches, and stop at the first block; post-phases run in order and collect reports.
 * Every hook run has a time limit and an AbortSignal. Every report goes to `onReport` listeners of
 * the engine and its ancestors, and into their metrics. Pure: no I/O but the hooks' own.
 */
export class HookEngine {
  private readonly own: Hook[] = [];
  private readonly listeners: Emitter<HookReport>;
  private readonly timeoutMs: number;
  private readonly onFailure: HookFailurePolicy;
  private readonly metadata: Readonly<Record<string, unknown>>;
  private readonly logger: Logger;
  private readonly durations: number[] = [];
  private runs = 0;
  private readonly outcomes: Record<HookOutcome, number> = {
    continue: 0,
    patch: 0,
    block: 0,
    observed: 0,
    failed: 0,
  };
  private readonly issues = Object.fromEntries(HOOK_ISSUE_CLASSES.map((c) => [c, 0])) as Record<
    HookIssueClass,
    number
  >;

  constructor(
    options: HookEngineOptions = {},
    private readonly parent?: HookEngine,
  ) {
    if (options.timeoutMs !== undefined && !(typeof options.timeoutMs === 'number' && options.timeoutMs > 0))
      throw validationError('timeoutMs', 'hook timeoutMs must be a positive number of ms');
    if (options.onFailure !== undefined && !FAILURE_POLICIES.includes(options.onFailure))
      throw validationError('onFailure', `onFailure must be one of ${FAILURE_POLICIES.join(', ')}`);
    this.timeoutMs = options.timeoutMs ?? parent?.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
    this.onFailure = options.onFailure ?? parent?.onFailure ?? 'block';
    this.metadata = { ...parent?.metadata, ...options.metadata };
    this.logger = options.logger ?? parent?.logger ?? silentLogger;
    this.listeners = new Emitter(this.logger);
    for (const hook of options.hooks ?? []) this.register(hook);
  }

  /** Every hook, in run order: the parent's first, then this engine's. */
  get hooks(): readonly Hook[] {
    return this.parent ? [...this.parent.hooks, ...this.own] : [...this.own];
  }

  /**
   * Adds a hook after the others. Refused with `VALIDATION_FAILED` (before anything runs) when it is
   * malformed or declares another contract major. Dispose the result to remove it.
   */
  register(hook: Hook): Subscription {
    const problems = validateHook(hook);
    if (problems.length > 0) {
      const name = typeof hook?.name === 'string' && hook.name ? `"${hook.name}"` : '(unnamed)';
      throw new CodexusError(
        'VALIDATION_FAILED',
        `hook ${name} cannot be registered: ${problems.join('; ')}`,
        {
          data: { path: 'hooks', hook: hook?.name, problems },
        },
      );
    }
    this.own.push(hook);
    return toSubscription(() => {
      const at = this.own.indexOf(hook);
      if (at >= 0) this.own.splice(at, 1);
    });
  }

  /** A child engine: its hooks run after this engine's; unset options are inherited. */
  extend(options: HookEngineOptions | readonly Hook[] = {}): HookEngine {
    return new HookEngine(isHookList(options) ? { hooks: options } : options, this);
  }

  /** True when some hook is registered for the phase (call sites skip all work otherwise). */
  has(phase: HookPhase): boolean {
    return this.hooks.some((hook) => (hook.phases as readonly HookPhase[]).includes(phase));
  }

  /** Subscribes to every report of this engine and of the engines extended from it. */
  onReport(listener: (report: HookReport) => void): Subscription {
    return this.listeners.on('*', listener);
  }

  metrics(): HookMetrics {
    return {
      runs: this.runs,
      outcomes: { ...this.outcomes },
      issues: { ...this.issues },
      p50Ms: percentile(this.durations, 0.5),
      p95Ms: percentile(this.durations, 0.95),
    };
  }

  /**
   * Runs the pre-hooks of a phase in order. Each sees the context as patched by the hooks before it.
   * A failing hook is reported and, on `PreToolUse` or with `onFailure: 'block'`, blocks.
   */
  async runPre(
    phase: PrePhase,
    init: HookContextInit,
    options: HookRunCallOptions = {},
  ): Promise<PreHookOutcome> {
    if (!isPrePhase(phase)) throw validationError('phase', `${String(phase)} is not a pre phase`);
    let context = this.context(phase, init);
    let patch: HookPatch | undefined;
    const reports: HookReport[] = [];
    for (const hook of this.hooksFor(phase) as PreHook[]) {
      if (!this.wants(hook, context)) continue;
      const started = performance.now();
      const invocation = await this.invoke(hook, context, options.signal);
      let action: HookAction | undefined;
      let issue: HookIssue | undefined;
      if (invocation.ok) {
        const parsed = parseHookAction(invocation.value, phase);
        if (parsed.ok) action = parsed.action;
        else
          issue = { class: 'validation', message: `returned no valid action: ${parsed.problems.join('; ')}` };
      } else {
        issue = invocation.issue;
      }
      reports.push(this.report(hook, context, action?.type ?? 'failed', started, issue ? [issue] : []));
      if (issue) {
        if (phase !== 'PreToolUse' && this.onFailure === 'continue') continue;
        const reason = {
          message: `failed (${issue.class}): ${issue.message}`,
          code: 'HOOK_FAILED',
          data: { issue },
        };
        return { phase, action: { type: 'block', reason }, blockedBy: hook.name, reports };
      }
      if (action?.type === 'block') return { phase, action, blockedBy: hook.name, reports };
      if (action?.type === 'patch') {
        patch = foldHookPatches(patch ?? {}, action.patch);
        const args = action.patch.arguments;
        context = Object.freeze({
          ...context,
          ...pick(action.patch, ['prompt', 'model', 'effort']),
          // The next PreToolUse hook sees the patched arguments of an in-process tool.
          ...(args !== undefined && context.tool ? { tool: { ...context.tool, arguments: args } } : {}),
        });
      }
    }
    return { phase, action: patch ? { type: 'patch', patch } : { type: 'continue' }, reports };
  }

  /** Runs the post-hooks of a phase in order and returns their reports (failures included). */
  async runPost(
    phase: PostPhase,
    init: HookContextInit,
    options: HookRunCallOptions = {},
  ): Promise<HookReport[]> {
    if (!isPostPhase(phase)) throw validationError('phase', `${String(phase)} is not a post phase`);
    const context = this.context(phase, init);
    const reports: HookReport[] = [];
    for (const hook of this.hooksFor(phase) as PostHook[]) {
      if (!this.wants(hook, context)) continue;
      const started = performance.now();
      const invocation = await this.invoke(hook, context, options.signal);
      const issues: HookIssue[] = [];
      let data: Readonly<Record<string, unknown>> | undefined;
      if (invocation.ok) {
        const parsed = parsePostHookResult(invocation.value);
        if (parsed.ok) {
          issues.push(...(parsed.result.issues ?? []));
          data = parsed.result.data;
        } else
          issues.push({
            class: 'validation',
            message: `returned an invalid result: ${parsed.problems.join('; ')}`,
          });
      } else issues.push(invocation.issue);
      reports.push(this.report(hook, context, invocation.ok ? 'observed' : 'failed', started, issues, data));
    }
    return reports;
  }

  private hooksFor(phase: HookPhase): Hook[] {
    return this.hooks.filter((hook) => (hook.phases as readonly HookPhase[]).includes(phase));
  }

  private context(phase: HookPhase, init: HookContextInit): HookContext {
    const context: Record<string, unknown> = { phase };
    for (const [key, value] of Object.entries(init)) if (value !== undefined) context[key] = value;
    context.metadata = Object.freeze({ ...this.metadata, ...init.metadata });
    return Object.freeze(context) as unknown as HookContext;
  }

  /** A hook whose `matches` throws is run anyway: skipping it could skip a guard. */
  private wants(hook: Hook, context: HookContext): boolean {
    try {
      return hook.matches?.(context) ?? true;
    } catch (error) {
      this.logger.warn('a hook matcher threw; running the hook', { hook: hook.name, error: String(error) });
      return true;
    }
  }

  /** Runs one hook under its time limit and the caller's signal. Rejects only when the caller aborts. */
  private async invoke(
    hook: Hook,
    context: HookContext,
    signal: AbortSignal | undefined,
  ): Promise<Invocation> {
    if (signal?.aborted) throw aborted(context.phase, signal);
    const timeoutMs = hook.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new HookError('timeout', `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const value = await settleOrAbort(
        () => hook.run(context, { signal: controller.signal }),
        controller.signal,
      );
      return { ok: true, value };
    } catch (error) {
      if (timedOut)
        return { ok: false, issue: { class: 'timeout', message: `no answer within ${timeoutMs} ms` } };
      if (signal?.aborted) throw aborted(context.phase, signal);
      return { ok: false, issue: issueOf(error) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private report(
    hook: Hook,
    context: HookContext,
    outcome: HookOutcome,
    startedAt: number,
    issues: readonly HookIssue[],
    data?: Readonly<Record<string, unknown>>,
  ): HookReport {
    const report: HookReport = {
      hook: hook.name,
      phase: context.phase,
      outcome,
      issues,
      durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
    };
    if (data !== undefined) report.data = data;
    if (context.threadId !== undefined) report.threadId = context.threadId;
    if (context.turnId !== undefined) report.turnId = context.turnId;
    for (const issue of issues)
      this.logger.warn(`hook ${issue.class} issue`, {
        hook: hook.name,
        phase: context.phase,
        message: issue.message,
      });
    this.emit(report);
    return report;
  }

  private emit(report: HookReport): void {
    this.runs++;
    this.outcomes[report.outcome]++;
    for (const issue of report.issues) this.issues[issue.class]++;
    this.durations.push(report.durationMs);
    if (this.durations.length > DURATION_WINDOW) this.durations.shift();
    this.listeners.emit('*', report);
    this.parent?.emit(report);
  }
}

/** Resolves or rejects with `work`, or rejects with the signal's reason as soon as it aborts. */
function issueOf(error: unknown): HookIssue {
  if (HookError.isInstance(error)) return { class: error.issueClass, message: error.message };
  return {
    class: 'execution',
    message: error instanceof Error ? `threw: ${error.message}` : `threw: ${String(error)}`,
  };
}

function aborted(phase: HookPhase, signal: AbortSignal): CodexusError {
  return new CodexusError('ABORTED', `${phase} hooks aborted`, { cause: signal.reason });
}

function isHookList(value: HookEngineOptions | readonly Hook[]): value is readonly Hook[] {
  return Array.isArray(value);
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) picked[key] = value[key];
  return picked;
}
