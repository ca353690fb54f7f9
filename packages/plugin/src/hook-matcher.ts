import { compileGlob } from './glob.js';
import type { HookContext, HookToolKind } from './hook-context.js';
import type { HookPhase } from './hook-phase.js';

/**
 * Which contexts a hook is for. Every criterion given must hold (AND); a list matches when any of
 * its entries does (OR). A tool criterion (`tools`, `command`, `files`) never matches a context
 * without tool info.
 */
export interface HookMatcher {
  phases?: readonly HookPhase[];
  /** The tool kinds (codex item types) to run for. */
  tools?: readonly HookToolKind[];
  /** Globs on the whole command line; `*` and `?` match any character there, `/` included. */
  command?: string | readonly string[];
  /**
   * Globs on the paths a file change touches; one matching file is enough. A relative glob is
   * matched against paths relative to the cwd (absolute paths below it).
   */
  files?: string | readonly string[];
  /** Only this directory and below (the tool's cwd when it has one, else the context's). */
  cwd?: string;
}

/** Compiles a matcher once (globs included) into a predicate. */
export function createHookMatcher(matcher: HookMatcher): (context: HookContext) => boolean {
  const commandGlobs = list(matcher.command).map((g) => compileGlob(g, { paths: false }));
  const fileGlobs = list(matcher.files).map((g) => ({ absolute: g.startsWith('/'), test: compileGlob(g) }));
  const cwdPrefix = matcher.cwd === undefined ? undefined : trimSlash(matcher.cwd);
  return (context) => {
    if (matcher.phases && !matcher.phases.includes(context.phase)) return false;
    const tool = context.tool;
    if (matcher.tools && !(tool && matcher.tools.includes(tool.kind))) return false;
    if (commandGlobs.length > 0) {
      const command = tool?.command;
      if (command === undefined || !commandGlobs.some((test) => test(command))) return false;
    }
    if (fileGlobs.length > 0) {
      const base = trimSlash(tool?.cwd ?? context.cwd);
      const paths = (tool?.fileChanges ?? []).flatMap((c) => (c.movePath ? [c.path, c.movePath] : [c.path]));
      const hit = paths.some((path) =>
        fileGlobs.some(({ absolute, test }) => test(path) || (!absolute && test(relativeTo(base, path)))),
      );
      if (!hit) return false;
    }
    if (cwdPrefix !== undefined) {
      const cwd = trimSlash(tool?.cwd ?? context.cwd);
      if (!(cwdPrefix === '' || cwd === cwdPrefix || cwd.startsWith(`${cwdPrefix}/`))) return false;
    }
    return true;
  };
}

/** True when the matcher accepts the context (compiles it each time; keep {@link createHookMatcher}'s result to reuse). */
export function matchesHook(matcher: HookMatcher, context: HookContext): boolean {
  return createHookMatcher(matcher)(context);
}

function list(value: string | readonly string[] | undefined): readonly string[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : value;
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path === '/' ? '' : path;
}

function relativeTo(base: string, path: string): string {
  return base !== '' && path.startsWith(`${base}/`) ? path.slice(base.length + 1) : path;
}
