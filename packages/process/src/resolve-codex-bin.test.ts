import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProcessError } from './errors.js';
import { codexPlatformTarget, type ResolveCodexBinOptions, resolveCodexBin } from './resolve-codex-bin.js';

/** The path found (the leaf returns `{ path, source, looked }`). */
const find = (codexBin: string | undefined, options: ResolveCodexBinOptions = {}): string =>
  resolveCodexBin({ ...options, codexBin }).path;

const root = mkdtempSync(join(tmpdir(), 'codexus-resolve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function executable(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}
function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value));
}

const target = codexPlatformTarget()!;
const empty = join(root, 'empty');
mkdirSync(empty);

describe('codexPlatformTarget', () => {
  it('maps the six supported platforms like the codex launcher does', () => {
    expect(codexPlatformTarget('linux', 'x64')).toEqual({
      packageName: '@openai/codex-linux-x64',
      triple: 'x86_64-unknown-linux-musl',
      binaryName: 'codex',
    });
    expect(codexPlatformTarget('linux', 'arm64')?.triple).toBe('aarch64-unknown-linux-musl');
    expect(codexPlatformTarget('darwin', 'x64')?.triple).toBe('x86_64-apple-darwin');
    expect(codexPlatformTarget('darwin', 'arm64')).toMatchObject({
      packageName: '@openai/codex-darwin-arm64',
      triple: 'aarch64-apple-darwin',
    });
    expect(codexPlatformTarget('win32', 'x64')).toEqual({
      packageName: '@openai/codex-win32-x64',
      triple: 'x86_64-pc-windows-msvc',
      binaryName: 'codex.exe',
    });
    expect(codexPlatformTarget('win32', 'arm64')?.triple).toBe('aarch64-pc-windows-msvc');
    expect(codexPlatformTarget('freebsd', 'x64')).toBeUndefined();
    expect(codexPlatformTarget('linux', 'ia32')).toBeUndefined();
  });
});

describe('resolveCodexBin', () => {
  const explicitBin = executable(join(root, 'explicit', 'codex'));
  const envBin = executable(join(root, 'env', 'codex'));
  const pathDir = join(root, 'pathdir');
  const pathBin = executable(join(pathDir, 'codex'));

  // A project with @openai/codex and its platform package installed side by side (npm layout).
  const project = join(root, 'project');
  writeJson(join(project, 'node_modules/@openai/codex/package.json'), {
    name: '@openai/codex',
    version: '0.0.0',
  });
  writeJson(join(project, `node_modules/${target.packageName}/package.json`), { name: target.packageName });
  const packageBin = executable(
    join(project, `node_modules/${target.packageName}/vendor/${target.triple}/bin/${target.binaryName}`),
  );
  // An older layout: the binary inside @openai/codex/vendor. It uses a foreign platform so that no
  // installed platform package is found through NODE_PATH (pnpm's bin shims set it).
  const [foreignPlatform, foreignArch] =
    process.platform === 'darwin' ? ['linux', 'x64'] : ['darwin', 'arm64'];
  const foreign = codexPlatformTarget(foreignPlatform, foreignArch)!;
  const legacy = join(root, 'legacy');
  writeJson(join(legacy, 'node_modules/@openai/codex/package.json'), {
    name: '@openai/codex',
    version: '0.0.0',
  });
  const legacyBin = executable(
    join(legacy, `node_modules/@openai/codex/vendor/${foreign.triple}/bin/${foreign.binaryName}`),
  );

  const all = { env: { CODEXUS_CODEX_BIN: envBin, PATH: pathDir }, searchFrom: [project] };

  it('prefers the explicit option, then the env variable, then the package, then PATH', () => {
    expect(find(explicitBin, all)).toBe(explicitBin);
    expect(find(undefined, all)).toBe(envBin);
    expect(find(undefined, { ...all, env: { PATH: pathDir } })).toBe(packageBin);
    expect(find(undefined, { env: { PATH: pathDir }, searchFrom: [empty] })).toBe(pathBin);
  });

  it('finds the binary inside @openai/codex/vendor when there is no platform package', () => {
    const options = { env: {}, searchFrom: [empty, legacy], platform: foreignPlatform, arch: foreignArch };
    expect(find(undefined, options)).toBe(legacyBin);
  });

  it('looks a bare explicit name up on PATH', () => {
    expect(find('codex', { env: { PATH: pathDir } })).toBe(pathBin);
  });

  it('fails on an explicit or env value that points nowhere, instead of falling through', () => {
    expect(() => find(join(root, 'missing'), all)).toThrow(/explicit codexBin option names/);
    expect(() => find(undefined, { ...all, env: { CODEXUS_CODEX_BIN: join(root, 'missing') } })).toThrow(
      /CODEXUS_CODEX_BIN environment variable names/,
    );
    expect(() => find(join(root, 'explicit'), all)).toThrow(/not an executable file/);
  });

  it('names all four places when nothing is found', () => {
    let error: unknown;
    try {
      find(undefined, { env: { PATH: empty }, searchFrom: [empty] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ name: 'ProcessError', code: 'BINARY_NOT_FOUND' });
    const text = (error as Error).message;
    expect(text).toContain('explicit codexBin option');
    expect(text).toContain('CODEXUS_CODEX_BIN');
    expect(text).toContain(`${target.packageName}/vendor/${target.triple}`);
    expect(text).toContain('`codex` on PATH');
    expect((error as ProcessError).data?.looked).toHaveLength(4);
  });

  it('reports the source and the places looked at before the find', () => {
    expect(resolveCodexBin({ codexBin: explicitBin, ...all })).toEqual({
      path: explicitBin,
      source: 'option',
      looked: [],
    });
    const found = resolveCodexBin({ env: { PATH: pathDir }, searchFrom: [empty] });
    expect(found).toMatchObject({ path: pathBin, source: 'path' });
    expect(found.looked).toEqual([
      'the explicit codexBin option: not set',
      'the CODEXUS_CODEX_BIN environment variable: not set',
      expect.stringContaining('the npm package @openai/codex: not installed'),
    ]);
  });

  it('resolves the package from a file or a file: URL as from its folder', () => {
    const file = join(project, 'src', 'main.js');
    expect(find(undefined, { env: {}, searchFrom: [file] })).toBe(packageBin);
    expect(find(undefined, { env: {}, searchFrom: [pathToFileURL(file).href] })).toBe(packageBin);
  });

  it('says so when the package is installed without its platform binary', () => {
    const broken = join(root, 'broken');
    writeJson(join(broken, 'node_modules/@openai/codex/package.json'), { name: '@openai/codex' });
    const options = {
      env: { PATH: empty },
      searchFrom: [broken],
      platform: foreignPlatform,
      arch: foreignArch,
    };
    expect(() => find(undefined, options)).toThrow(/installed at .+, but its binary .+ is missing/);
  });

  it('finds the pinned @openai/codex of this repository by default', () => {
    expect(find(undefined, { env: {} })).toMatch(new RegExp(`${target.triple}/bin/${target.binaryName}$`));
  });
});
