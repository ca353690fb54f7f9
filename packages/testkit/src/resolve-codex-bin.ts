import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CODEX_BIN_ENV,
  type CodexPlatformTarget,
  codexPlatformTarget,
  ProcessError,
  resolveCodexBin as resolveWithLeaf,
} from '@codexus/process';
import { TestkitError } from './errors.js';

/** The env variable naming a codex binary (second place {@link resolveCodexBin} looks). */
export { CODEX_BIN_ENV, type CodexPlatformTarget, codexPlatformTarget };

export interface ResolveCodexBinOptions {
  /** Default `process.env` (read for `CODEXUS_CODEX_BIN`, `PATH`, `PATHEXT`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directories to resolve `@openai/codex` from. Default: `process.cwd()`, then this module's folder. */
  searchFrom?: readonly string[];
  /** Default `process.platform`. */
  platform?: string;
  /** Default `process.arch`. */
  arch?: string;
}

/**
 * Finds the codex binary, in this order:
 * 1. `explicit` (a path, or a command name looked up on `PATH`);
 * 2. the `CODEXUS_CODEX_BIN` environment variable;
 * 3. the installed `@openai/codex` package's native binary (its platform package
 *    `@openai/codex-<os>-<arch>/vendor/<triple>/bin/codex`, or `@openai/codex/vendor/...`),
 *    resolved from `process.cwd()` and from this module;
 * 4. `codex` on `PATH`.
 * An explicit or env value that points nowhere is an error (it is not skipped). When nothing is
 * found, throws `TestkitError('BINARY_NOT_FOUND')` naming all four places. The lookup is
 * `@codexus/process`'s, the same as `@codexus/core`'s.
 */
export function resolveCodexBin(explicit?: string, options: ResolveCodexBinOptions = {}): string {
  try {
    return resolveWithLeaf({
      ...options,
      codexBin: explicit,
      searchFrom: options.searchFrom ?? [process.cwd(), dirname(fileURLToPath(import.meta.url))],
    }).path;
  } catch (error) {
    if (!ProcessError.is(error, 'BINARY_NOT_FOUND')) throw error;
    throw new TestkitError('BINARY_NOT_FOUND', error.message, { data: error.data });
  }
}
