import {
  CODEX_BIN_ENV,
  type ResolveCodexBinOptions as LeafOptions,
  ProcessError,
  resolveCodexBin as resolveWithLeaf,
} from '@codexus/process';
import { CodexusError } from './errors.js';

/** The env variable that names a codex binary when no `codexBin` option is given. */
export { CODEX_BIN_ENV };

export interface ResolvedCodexBin {
  path: string;
  source: 'option' | 'env' | 'package' | 'path';
}

export interface ResolveCodexBinOptions {
  codexBin?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Directories to resolve the `@openai/codex` package from (default: cwd, then this module). */
  searchFrom?: string[];
}

/**
 * Finds the codex binary: option `codexBin` → env `CODEXUS_CODEX_BIN` → the installed
 * `@openai/codex` package's native platform binary → `codex` on PATH. Throws `BINARY_NOT_FOUND`
 * naming every place it looked. The lookup is `@codexus/process`'s, shared with the testkit.
 */
export function resolveCodexBin(options: ResolveCodexBinOptions = {}): ResolvedCodexBin {
  const leafOptions: LeafOptions = {
    codexBin: options.codexBin,
    env: options.env,
    // From this module too: @openai/codex is core's optional peer, resolvable from here.
    searchFrom: options.searchFrom ?? [process.cwd(), import.meta.url],
  };
  try {
    const { path, source } = resolveWithLeaf(leafOptions);
    return { path, source };
  } catch (error) {
    if (!ProcessError.is(error, 'BINARY_NOT_FOUND')) throw error;
    throw new CodexusError('BINARY_NOT_FOUND', error.message, { data: { ...error.data } });
  }
}
