import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { CodexusError } from './errors.js';

/** The env variable that names a codex binary when no `codexBin` option is given. */
export const CODEX_BIN_ENV = 'CODEXUS_CODEX_BIN';

const TRIPLES: Record<string, string> = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
  'win32-x64': 'x86_64-pc-windows-msvc',
  'win32-arm64': 'aarch64-pc-windows-msvc',
};

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
 * naming every place it looked.
 */
export function resolveCodexBin(options: ResolveCodexBinOptions = {}): ResolvedCodexBin {
  const env = options.env ?? process.env;
  const looked: string[] = [];
  if (options.codexBin !== undefined) {
    if (isExecutable(options.codexBin)) return { path: options.codexBin, source: 'option' };
    throw notFound([`option codexBin: ${options.codexBin} is not an executable file`]);
  }
  looked.push('option codexBin: not set');
  const fromEnv = env[CODEX_BIN_ENV];
  if (fromEnv) {
    if (isExecutable(fromEnv)) return { path: fromEnv, source: 'env' };
    throw notFound([...looked, `env ${CODEX_BIN_ENV}: ${fromEnv} is not an executable file`]);
  }
  looked.push(`env ${CODEX_BIN_ENV}: not set`);
  const fromPackage = findPackagedBinary(
    options.searchFrom ?? [join(process.cwd(), 'noop.js'), import.meta.url],
  );
  if (fromPackage.path) return { path: fromPackage.path, source: 'package' };
  looked.push(`npm package @openai/codex: ${fromPackage.reason}`);
  const onPath = findOnPath(env.PATH ?? '');
  if (onPath) return { path: onPath, source: 'path' };
  looked.push('`codex` on PATH: not found');
  throw notFound(looked);
}

function notFound(looked: string[]): CodexusError {
  return new CodexusError(
    'BINARY_NOT_FOUND',
    `codex binary not found. Looked at:\n${looked.map((l, i) => `  ${i + 1}. ${l}`).join('\n')}\n` +
      'Install it with `npm install @openai/codex` (an optional peer dependency of @codexus/core), ' +
      `or pass codexBin / set ${CODEX_BIN_ENV} to a codex executable.`,
    { data: { looked } },
  );
}

function findPackagedBinary(searchFrom: string[]): { path?: string; reason: string } {
  const triple = TRIPLES[`${process.platform}-${process.arch}`];
  if (!triple) return { reason: `no codex build for ${process.platform}-${process.arch}` };
  const exe = process.platform === 'win32' ? 'codex.exe' : 'codex';
  for (const from of searchFrom) {
    let codexPkg: string;
    try {
      codexPkg = createRequire(from).resolve('@openai/codex/package.json');
    } catch {
      continue;
    }
    const platformPkg = `@openai/codex-${process.platform}-${process.arch}`;
    const candidates: string[] = [];
    try {
      const pkgJson = createRequire(codexPkg).resolve(`${platformPkg}/package.json`);
      candidates.push(join(dirname(pkgJson), 'vendor', triple, 'bin', exe));
    } catch {
      // fall back to a vendor dir inside @openai/codex itself (older layouts)
    }
    candidates.push(join(dirname(codexPkg), 'vendor', triple, 'bin', exe));
    const found = candidates.find(isExecutable);
    if (found) return { path: found, reason: 'found' };
    return {
      reason: `installed at ${dirname(codexPkg)} but its platform binary (${platformPkg}) is missing`,
    };
  }
  return { reason: 'not installed' };
}

function findOnPath(pathVar: string): string | undefined {
  const names = process.platform === 'win32' ? ['codex.exe', 'codex.cmd'] : ['codex'];
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    if (!existsSync(path)) return false;
    accessSync(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
