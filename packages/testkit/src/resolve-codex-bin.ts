import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestkitError } from './errors.js';

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
 * found, throws `TestkitError('BINARY_NOT_FOUND')` naming all four places.
 */
export function resolveCodexBin(explicit?: string, options: ResolveCodexBinOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const target = codexPlatformTarget(platform, options.arch ?? process.arch);

  if (explicit !== undefined && explicit !== '') {
    return requireBinary(explicit, 'the explicit codexBin option', env, platform);
  }
  const fromEnv = env[CODEX_BIN_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    return requireBinary(fromEnv, `the ${CODEX_BIN_ENV} environment variable`, env, platform);
  }
  const searchFrom = options.searchFrom ?? [process.cwd(), dirname(fileURLToPath(import.meta.url))];
  if (target !== undefined) {
    for (const dir of searchFrom) {
      const found = fromCodexPackage(dir, target);
      if (found !== undefined) return found;
    }
  }
  const onPath = findOnPath('codex', env, platform);
  if (onPath !== undefined) return onPath;

  const packageNote =
    target === undefined
      ? `the @openai/codex package (no native binary exists for ${platform}/${options.arch ?? process.arch})`
      : `the @openai/codex package's binary ${target.packageName}/vendor/${target.triple}/bin/${target.binaryName}, resolved from ${searchFrom.join(' and ')}`;
  throw new TestkitError(
    'BINARY_NOT_FOUND',
    `codex binary not found. Looked at: (1) the explicit codexBin option (not given); (2) the ${CODEX_BIN_ENV} environment variable (not set); (3) ${packageNote} (not installed); (4) \`codex\` on PATH (not found). Install it with \`npm install -D @openai/codex\` or set ${CODEX_BIN_ENV}.`,
    { data: { searchFrom: [...searchFrom], target } },
  );
}

function requireBinary(
  value: string,
  where: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
): string {
  const isPath = isAbsolute(value) || value.includes('/') || value.includes('\\');
  const found = isPath
    ? isExecutableFile(resolve(value), platform)
      ? resolve(value)
      : undefined
    : findOnPath(value, env, platform);
  if (found !== undefined) return found;
  throw new TestkitError(
    'BINARY_NOT_FOUND',
    `codex binary not found: ${where} names ${JSON.stringify(value)}, which ${isPath ? 'is not an executable file' : 'is not on PATH'}.`,
    { data: { value, where } },
  );
}

function fromCodexPackage(fromDir: string, target: CodexPlatformTarget): string | undefined {
  let codexPackageJson: string;
  try {
    codexPackageJson = createRequire(join(fromDir, '__codexus_resolve__.js')).resolve(
      '@openai/codex/package.json',
    );
  } catch {
    return undefined;
  }
  const vendorRoots: string[] = [];
  try {
    const platformPackageJson = createRequire(codexPackageJson).resolve(`${target.packageName}/package.json`);
    vendorRoots.push(join(dirname(platformPackageJson), 'vendor'));
  } catch {
    // Older layouts ship the binaries inside @openai/codex itself.
  }
  vendorRoots.push(join(dirname(codexPackageJson), 'vendor'));
  for (const root of vendorRoots) {
    const candidate = join(root, target.triple, 'bin', target.binaryName);
    if (isExecutableFile(candidate, process.platform)) return candidate;
  }
  return undefined;
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
