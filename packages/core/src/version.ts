import { CodexusError } from './errors.js';

/**
 * The supported range, stated once (docs/compatibility.md and `peerDependencies` of
 * `@openai/codex` repeat it; a test keeps them in agreement):
 * - the pinned version: the protocol snapshot was generated from it and CI tests it;
 * - the minimum: the oldest version CI tests (every release from it up to the pin is accepted);
 * - newer than the pin: accepted, with one visible warning (untested; new fields are kept).
 *
 * `PINNED_CODEX_VERSION`: the codex version whose protocol snapshot this release was generated from
 * and tested against.
 */
export const PINNED_CODEX_VERSION = '0.171.0';
/** The oldest codex version this release accepts (and CI tests). */
export const MIN_CODEX_VERSION = '0.150.0';

/** A supported range: `min` (accepted from) and `pinned` (the snapshot; newer is untested). */
export interface VersionRange {
  min: string;
  pinned: string;
}

export const SUPPORTED_VERSION_RANGE: VersionRange = { min: MIN_CODEX_VERSION, pinned: PINNED_CODEX_VERSION };

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

/**
 * How the connected codex relates to the supported range: `pinned`, `older-supported` (between the
 * minimum and the pin), `newer` (newer than the pin: untested) or `older-untested` (below the
 * minimum, accepted only with `allowUntestedVersion`).
 */
export type Compatibility = 'pinned' | 'older-supported' | 'newer' | 'older-untested';

export interface CompatibilityOptions {
  /** Overrides the supported range (tests, or a deliberate wider range). */
  versionRange?: Partial<VersionRange> | undefined;
  /** Accept a codex below the minimum (reported as `older-untested`, with a warning). */
  allowUntestedVersion?: boolean | undefined;
}

/** The supported range with the overrides of `options.versionRange` (an `undefined` field keeps the default). */
export function resolveVersionRange(options: CompatibilityOptions = {}): VersionRange {
  return {
    min: options.versionRange?.min ?? SUPPORTED_VERSION_RANGE.min,
    pinned: options.versionRange?.pinned ?? SUPPORTED_VERSION_RANGE.pinned,
  };
}

/**
 * The compatibility guard: below the minimum → `INCOMPATIBLE_VERSION` (unless
 * `allowUntestedVersion`); newer than the pinned snapshot → `'newer'` (the caller warns).
 */
export function checkCompatibility(
  version: string | undefined,
  options: CompatibilityOptions = {},
): Compatibility {
  const range = resolveVersionRange(options);
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
    if (options.allowUntestedVersion) return 'older-untested';
    throw new CodexusError(
      'INCOMPATIBLE_VERSION',
      `codex ${version} is older than the supported range ${range.min} → ${range.pinned} (and newer); ` +
        `install @openai/codex@${range.pinned}, or pass allowUntestedVersion: true to try it anyway`,
      { data: { version, range } },
    );
  }
  const vsPinned = compareVersions(version, range.pinned);
  if (vsPinned > 0) return 'newer';
  return vsPinned === 0 ? 'pinned' : 'older-supported';
}

const warned = new Set<string>();

/**
 * The one visible warning for a codex outside the tested range: through `process.emitWarning`
 * (printed on stderr by default; `--no-warnings` or a `'warning'` listener silences or takes it),
 * once per version per process. Returns the text, or undefined when none is due.
 */
export function warnUntestedVersion(
  version: string,
  compatibility: Compatibility,
  range: VersionRange = SUPPORTED_VERSION_RANGE,
): string | undefined {
  if (compatibility !== 'newer' && compatibility !== 'older-untested') return undefined;
  const text =
    compatibility === 'newer'
      ? `codex ${version} is newer than the tested ${range.pinned}; new fields are kept, new methods are untyped`
      : `codex ${version} is older than the supported minimum ${range.min}; accepted because allowUntestedVersion is set`;
  if (!warned.has(version)) {
    warned.add(version);
    process.emitWarning(text, { code: 'CODEXUS_UNTESTED_CODEX' });
  }
  return text;
}
