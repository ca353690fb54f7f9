import { type ConfigOverrides, configOverrideArgs } from '@codexus/core';

/**
 * Config that layers 1 and 2 set unless the caller's `configOverrides` set the same key (keys in
 * the dotted form `configOverrideArgs` writes).
 *
 * `features.shell_snapshot`: at thread start codex runs a login shell in the background to snapshot
 * the user's shell environment. When codex is closed soon after (a quick run takes ~200 ms against a
 * fast model), that shell and its pipeline outlive codex by tens of ms, re-parented away from us.
 * With it off, closing codex leaves no process behind; commands then start a login shell each.
 */
export const QUICK_CONFIG_DEFAULTS: ConfigOverrides = Object.freeze({ 'features.shell_snapshot': false });

/** The caller's overrides, plus every default whose key they do not set (nested or dotted). */
export function withQuickDefaults(overrides: ConfigOverrides | undefined): ConfigOverrides {
  const args = configOverrideArgs(overrides);
  const set = new Set<string>();
  for (let i = 1; i < args.length; i += 2) set.add(args[i]!.slice(0, args[i]!.indexOf('=')));
  const defaults = Object.entries(QUICK_CONFIG_DEFAULTS).filter(([key]) => !set.has(key));
  return { ...Object.fromEntries(defaults), ...overrides };
}
