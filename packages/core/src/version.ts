import { CodexusError } from './errors.js';

/** The codex version whose protocol snapshot this release was generated from and tested against. */
export const PINNED_CODEX_VERSION = '0.169.0';
/** The oldest codex version this release accepts. */
export const MIN_CODEX_VERSION = '0.169.0';

/** Reads the codex version from `initialize`'s `userAgent` (`name/0.169.0 (...)`). */
export function parseCodexVersion(userAgent: string): string | undefined {
  return /\/(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(userAgent)?.[1];
}

/** Compares two `x.y.z[-pre]` versions numerically (a prerelease sorts before its release). */
export function compareVersions(a: string, b: string): number {
  const [coreA = '', preA] = a.split('-', 2);
  const [coreB = '', preB] = b.split('-', 2);
  const pa = coreA.split('.').map(Number);
  const pb = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}

export type Compatibility = 'pinned' | 'older-supported' | 'newer';

/**
 * The compatibility guard: below the minimum → `INCOMPATIBLE_VERSION`; newer than the pinned
 * snapshot → `'newer'` (the caller warns); otherwise fine.
 */
export function checkCompatibility(
  version: string | undefined,
  range: { min: string; pinned: string } = { min: MIN_CODEX_VERSION, pinned: PINNED_CODEX_VERSION },
): Compatibility {
  if (version === undefined) {
    throw new CodexusError(
      'INCOMPATIBLE_VERSION',
      'could not read the codex version from the initialize userAgent',
      {
        data: { range },
      },
    );
  }
  if (compareVersions(version, range.min) < 0) {
    throw new CodexusError(
      'INCOMPATIBLE_VERSION',
      `codex ${version} is older than the minimum supported ${range.min}; install @openai/codex@${range.pinned}`,
      { data: { version, range } },
    );
  }
  const vsPinned = compareVersions(version, range.pinned);
  if (vsPinned > 0) return 'newer';
  return vsPinned === 0 ? 'pinned' : 'older-supported';
}
