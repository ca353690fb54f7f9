import { CodexusError, compareVersions } from '@codexus/core';
import { HISTORY_VERSIONS, METHOD_PRESENCE } from './generated/history.js';
import type { MethodGroup } from './method-info.js';

/**
 * Does a given codex version have a method? Answered from the recorded method lists of the
 * supported range (`schema/history/` plus the pin, generated into `generated/history.ts`).
 *
 * - `yes`: the version is recorded and has it, or it lies between two recorded versions that both
 *   have it, or it is newer than the pin and the pin has it.
 * - `no`: the version is recorded and lacks it, or both recorded neighbours lack it.
 * - `unknown`: the neighbours disagree (the method came or went in between), the version is older
 *   than every recorded one, or no recorded version has the method. Callers send and let the
 *   server answer.
 */
export type SupportStatus = 'yes' | 'no' | 'unknown';

export interface MethodSupport {
  readonly method: string;
  readonly codexVersion: string;
  readonly status: SupportStatus;
  /** The recorded versions that have the method, oldest first. */
  readonly availableIn: readonly string[];
  /** The oldest recorded version with the method. */
  readonly since?: string;
  /** The newest recorded version with the method, when the pin no longer has it. */
  readonly lastIn?: string;
  /** One sentence for error messages and logs. */
  readonly reason: string;
}

const GROUP_ORDER: readonly MethodGroup[] = [
  'clientRequest',
  'clientNotification',
  'serverRequest',
  'serverNotification',
];

function presenceOf(method: string, group?: MethodGroup): number | undefined {
  for (const g of group ? [group] : GROUP_ORDER) {
    const table = METHOD_PRESENCE[g];
    if (Object.hasOwn(table, method)) return table[method];
  }
  return undefined;
}

const has = (mask: number, index: number): boolean => (mask & (1 << index)) !== 0;

/** Every method of `group` that any recorded version has (including those the pin dropped), sorted. */
export function recordedMethods(group: MethodGroup): readonly string[] {
  return Object.keys(METHOD_PRESENCE[group]);
}

const versionsIn = (mask: number): readonly string[] => HISTORY_VERSIONS.filter((_, i) => has(mask, i));

/** The recorded versions that have `method` (in `group`, or in any group), oldest first. */
export function availableIn(method: string, group?: MethodGroup): readonly string[] {
  return versionsIn(presenceOf(method, group) ?? 0);
}

/** Whether codex `codexVersion` has `method` (see {@link SupportStatus}). */
export function methodSupport(method: string, codexVersion: string, group?: MethodGroup): MethodSupport {
  const mask = presenceOf(method, group);
  const versions = versionsIn(mask ?? 0);
  const pin = HISTORY_VERSIONS[HISTORY_VERSIONS.length - 1]!;
  const base = {
    method,
    codexVersion,
    availableIn: versions,
    ...(versions[0] === undefined ? {} : { since: versions[0] }),
    ...(versions.length > 0 && !versions.includes(pin) ? { lastIn: versions[versions.length - 1] } : {}),
  };
  const recorded = versions.length === 0 ? 'no recorded version' : `recorded in ${versions.join(', ')}`;
  const answer = (status: SupportStatus, why: string): MethodSupport =>
    Object.freeze({ ...base, status, reason: `${method}: ${why} (${recorded})` });
  if (mask === undefined) return answer('unknown', 'not in any recorded codex version');
  const exact = HISTORY_VERSIONS.indexOf(codexVersion);
  if (exact >= 0)
    return has(mask, exact)
      ? answer('yes', `codex ${codexVersion} has it`)
      : answer('no', `codex ${codexVersion} does not have it`);
  if (compareVersions(codexVersion, HISTORY_VERSIONS[0]!) < 0)
    return answer('unknown', `codex ${codexVersion} is older than every recorded version`);
  const hi = HISTORY_VERSIONS.findIndex((v) => compareVersions(v, codexVersion) > 0);
  if (hi < 0) {
    return has(mask, HISTORY_VERSIONS.length - 1)
      ? answer('yes', `codex ${codexVersion} is newer than the pin ${pin}, which has it`)
      : answer('unknown', `codex ${codexVersion} is newer than the pin ${pin}, which does not have it`);
  }
  const [below, above] = [has(mask, hi - 1), has(mask, hi)];
  const between = `between ${HISTORY_VERSIONS[hi - 1]} and ${HISTORY_VERSIONS[hi]}`;
  if (below && above) return answer('yes', `codex ${codexVersion} lies ${between}, which both have it`);
  if (!below && !above) return answer('no', `codex ${codexVersion} lies ${between}, which both lack it`);
  return answer('unknown', `codex ${codexVersion} lies ${between}, where it ${above ? 'came' : 'went'}`);
}

/**
 * Throws `METHOD_UNSUPPORTED` (nothing is sent) when codex `codexVersion` is known not to have
 * `method`; `yes` and `unknown` pass.
 */
export function assertMethodSupported(method: string, codexVersion: string, group?: MethodGroup): void {
  const support = methodSupport(method, codexVersion, group);
  if (support.status !== 'no') return;
  const hint = support.lastIn
    ? `; it was removed after codex ${support.lastIn}`
    : support.since
      ? `; it needs codex ${support.since} or newer`
      : '';
  throw new CodexusError(
    'METHOD_UNSUPPORTED',
    `codex ${codexVersion} does not have ${method}${hint} (nothing was sent)`,
    { data: { method, codexVersion, availableIn: support.availableIn } },
  );
}
