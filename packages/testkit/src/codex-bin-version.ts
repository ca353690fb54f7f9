import { spawnSync } from 'node:child_process';
import { resolveCodexBin } from './resolve-codex-bin.js';

const cache = new Map<string, string>();

/**
 * The version of a codex binary (default: the one {@link resolveCodexBin} finds, so
 * `CODEXUS_CODEX_BIN` chooses it), read from `codex --version` (`codex-cli 0.171.0`). Tests compare
 * against this instead of a literal, so one suite runs on every codex in the supported range.
 */
export function codexBinVersion(bin: string = resolveCodexBin()): string {
  const known = cache.get(bin);
  if (known !== undefined) return known;
  const run = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  const version = /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(run.stdout ?? '')?.[1];
  if (run.status !== 0 || version === undefined) {
    throw new Error(`${bin} --version did not print a version (status ${run.status}): ${run.stderr ?? ''}`);
  }
  cache.set(bin, version);
  return version;
}
