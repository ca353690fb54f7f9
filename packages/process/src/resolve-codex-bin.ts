import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessError } from './errors.js';

/** The env variable naming a codex binary (second place {@link resolveCodexBin} looks). */
export const CODEX_BIN_ENV = 'CODEXUS_CODEX_BIN';

/** The npm package and Rust target triple of the native codex binary for a platform. */
export interface CodexPlatformTarget {
  /** e.g. `@openai/codex-linux-x64` (an optional dependency of `@openai/codex`). */
  packageName: string;
  /** e.g. `x86_64-unknown-linux-musl` (the folder under `vendor/`). */
  triple: string;
  /** `codex` or `codex.exe`. */
  binaryName: string;
}

const TRIPLES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  linux: { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' },
  android: { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' },
  darwin: { x64: 'x86_64-apple-darwin', arm64: 'aarch64-apple-darwin' },
  win32: { x64: 'x86_64-pc-windows-msvc', arm64: 'aarch64-pc-windows-msvc' },
};

/** The platform package of `@openai/codex` for `platform`/`arch`, as its own launcher maps them. */
export function codexPlatformTarget(
  platform: string = process.platform,
  arch: string = process.arch,
): CodexPlatformTarget | undefined {
  const triple = TRIPLES[platform]?.[arch];
  if (triple === undefined) return undefined;
  const os = platform === 'android' ? 'linux' : platform;
  return {
    packageName: `@openai/codex-${os}-${arch}`,
    triple,
    binaryName: platform === 'win32' ? 'codex.exe' : 'codex',
  };
}

export interface ResolveCodexBinOptions {
  /** A path, or a command name looked up on `PATH`. Empty or `undefined`: not given. */
  codexBin?: string;
  /** Default `process.env` (read for `CODEXUS_CODEX_BIN`, `PATH`, `PATHEXT`). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Where to resolve `@openai/codex` from: directories, files or `file:` URLs (a file resolves from
   * its folder). Default: `process.cwd()`, then this module's folder.
   */
  searchFrom?: readonly string[];
  /** Default `process.platform`. */
  platform?: string;
  /** Default `process.arch`. */
  arch?: string;
}

export type CodexBinSource = 'option' | 'env' | 'package' | 'path';

export interface ResolvedCodexBin {
  path: string;
  source: CodexBinSource;
  /** The places looked at before the binary was found, in order (for logs). */
  looked: string[];
}

const OPTION = 'the explicit codexBin option';
const ENV = `the ${CODEX_BIN_ENV} environment variable`;
const ON_PATH = '`codex` on PATH';

/**
 * Finds the codex binary, in this order:
 * 1. option `codexBin` (a path, or a command name looked up on `PATH`);
 * 2. the `CODEXUS_CODEX_BIN` environment variable (the same);
 * 3. the installed `@openai/codex` package's native binary (its platform package
 *    `@openai/codex-<os>-<arch>/vendor/<triple>/bin/codex`, or `@openai/codex/vendor/...`);
 * 4. `codex` on `PATH` (with `PATHEXT` on Windows).
 * An option or env value that points nowhere is an error (it is not skipped). Throws
 * `ProcessError('BINARY_NOT_FOUND')` naming every place it looked (`data.looked`).
 */
export function resolveCodexBin(options: ResolveCodexBinOptions = {}): ResolvedCodexBin {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const looked: string[] = [];
  const given = [
    { value: options.codexBin, where: OPTION, source: 'option' as const },
    { value: env[CODEX_BIN_ENV], where: ENV, source: 'env' as const },
  ];
  for (const { value, where, source } of given) {
    if (value === undefined || value === '') {
      looked.push(`${where}: not set`);
      continue;
    }
    const isPath = isAbsolute(value) || value.includes('/') || value.includes('\\');
    const found = isPath
      ? isExecutableFile(resolve(value), platform)
        ? resolve(value)
        : undefined
      : findOnPath(value, env, platform);
    if (found !== undefined) return { path: found, source, looked };
    const why = isPath ? 'is not an executable file' : 'is not on PATH';
    looked.push(`${where}: ${JSON.stringify(value)} ${why}`);
    throw notFound(`codex binary not found: ${where} names ${JSON.stringify(value)}, which ${why}.`, looked, {
      value,
      where,
    });
  }
  const searchFrom = options.searchFrom ?? [process.cwd(), dirname(fileURLToPath(import.meta.url))];
  const target = codexPlatformTarget(platform, arch);
  const fromPackage = findPackagedBinary(searchFrom, target, platform, arch);
  if (fromPackage.path !== undefined) return { path: fromPackage.path, source: 'package', looked };
  looked.push(`the npm package @openai/codex: ${fromPackage.reason}`);
  const onPath = findOnPath('codex', env, platform);
  if (onPath !== undefined) return { path: onPath, source: 'path', looked };
  looked.push(`${ON_PATH}: not found`);
  throw notFound(
    `codex binary not found. Looked at:\n${looked.map((line, i) => `  ${i + 1}. ${line}`).join('\n')}\n` +
      'Install it with `npm install @openai/codex`, or pass codexBin / set ' +
      `${CODEX_BIN_ENV} to a codex executable.`,
    looked,
    { searchFrom: [...searchFrom], target },
  );
}

function notFound(message: string, looked: string[], data: Record<string, unknown>): ProcessError {
  return new ProcessError('BINARY_NOT_FOUND', message, { data: { looked: [...looked], ...data } });
}

function findPackagedBinary(
  searchFrom: readonly string[],
  target: CodexPlatformTarget | undefined,
  platform: string,
  arch: string,
): { path?: string; reason: string } {
  if (target === undefined) return { reason: `no native codex binary exists for ${platform}/${arch}` };
  const binary = `${target.packageName}/vendor/${target.triple}/bin/${target.binaryName}`;
  for (const from of searchFrom) {
    let codexPackageJson: string;
    try {
      codexPackageJson = createRequire(requireBase(from)).resolve('@openai/codex/package.json');
    } catch {
      continue;
    }
    const vendorRoots: string[] = [];
    try {
      const platformPackageJson = createRequire(codexPackageJson).resolve(
        `${target.packageName}/package.json`,
      );
      vendorRoots.push(join(dirname(platformPackageJson), 'vendor'));
    } catch {
      // Older layouts ship the binaries inside @openai/codex itself.
    }
    vendorRoots.push(join(dirname(codexPackageJson), 'vendor'));
    for (const root of vendorRoots) {
      const candidate = join(root, target.triple, 'bin', target.binaryName);
      if (isExecutableFile(candidate, process.platform)) return { path: candidate, reason: 'found' };
    }
    return {
      reason: `installed at ${dirname(codexPackageJson)}, but its binary ${binary} is missing`,
    };
  }
  return { reason: `not installed (its binary ${binary}, resolved from ${searchFrom.join(' and ')})` };
}

/** A file path for `createRequire`: a directory gets a file name inside it; a `file:` URL becomes a path. */
function requireBase(from: string): string {
  const path = from.startsWith('file:') ? fileURLToPath(from) : from;
  try {
    if (statSync(path).isDirectory()) return join(path, '__codexus_resolve__.js');
  } catch {
    // Not there: resolve from its folder, like a module file.
  }
  return path;
}

function findOnPath(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter((dir) => dir !== '');
  const extensions =
    platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : [''];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = join(dir, name + extension);
      if (isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

function isExecutableFile(path: string, platform: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
