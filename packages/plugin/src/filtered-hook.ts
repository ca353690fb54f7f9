import type { Hook, HookRunOptions, PostHook, PreHook } from './hook.js';
import type { HookAction } from './hook-action.js';
import type { HookContext } from './hook-context.js';
import { createHookMatcher, type HookMatcher } from './hook-matcher.js';
import type { PostHookResult } from './hook-report.js';

/**
 * A hook that runs only where a matcher says so. Its phases are the inner hook's, narrowed to the
 * matcher's; the engine asks `matches` first and skips it (no run, no report) when it says no.
 */
abstract class Filtered<H extends Hook> {
  readonly name: string;
  readonly phases: H['phases'];
  readonly contractVersion: string | undefined;
  readonly timeoutMs: number | undefined;
  private readonly test: (context: HookContext) => boolean;

  constructor(
    readonly inner: H,
    readonly matcher: HookMatcher,
  ) {
    this.name = inner.name;
    this.contractVersion = inner.contractVersion;
    this.timeoutMs = inner.timeoutMs;
    const phases = matcher.phases
      ? inner.phases.filter((p: H['phases'][number]) => matcher.phases!.includes(p))
      : inner.phases;
    if (phases.length === 0) {
      throw new TypeError(
        `hook "${inner.name}": the matcher's phases (${matcher.phases?.join(', ')}) share none with the hook's (${inner.phases.join(', ')})`,
      );
    }
    this.phases = phases as H['phases'];
    this.test = createHookMatcher(matcher);
  }

  matches(context: HookContext): boolean {
    return this.test(context) && (this.inner.matches?.(context) ?? true);
  }
}

/** A {@link PreHook} behind a matcher; where it does not match it continues. */
export class FilteredPreHook extends Filtered<PreHook> implements PreHook {
  async run(context: HookContext, options: HookRunOptions): Promise<HookAction> {
    if (!this.matches(context)) return { type: 'continue' };
    return this.inner.run(context, options);
  }
}

/** A {@link PostHook} behind a matcher; where it does not match it observes nothing. */
export class FilteredPostHook extends Filtered<PostHook> implements PostHook {
  async run(context: HookContext, options: HookRunOptions): Promise<PostHookResult | undefined> {
    if (!this.matches(context)) return undefined;
    return this.inner.run(context, options);
  }
}
