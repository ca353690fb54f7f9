import { getMethodInfo } from './inventory.js';
import type { Stability } from './method-info.js';

/**
 * Without `field`: true when `method` exists only in the experimental bundle (the server refuses it
 * unless `initialize` set `capabilities.experimentalApi: true`).
 * With `field`: true when that top-level params field of `method` exists only in the experimental
 * bundle. Unknown methods and fields are not experimental (the server will say what it thinks).
 */
export function isExperimental(method: string, field?: string): boolean {
  const info = getMethodInfo(method);
  if (!info) return false;
  if (field === undefined) return info.requiresExperimentalApi;
  return info.experimentalFields.includes(field);
}

/** The top-level params fields of `method` that need `capabilities.experimentalApi` (empty when none). */
export function experimentalFields(method: string): readonly string[] {
  return getMethodInfo(method)?.experimentalFields ?? [];
}

/**
 * The experimental params fields actually present (not `undefined`) in `params`. Useful before
 * sending on a connection that did not opt in to the experimental API.
 */
export function experimentalFieldsIn(method: string, params: unknown): string[] {
  if (typeof params !== 'object' || params === null) return [];
  const record = params as Record<string, unknown>;
  return experimentalFields(method).filter((field) => record[field] !== undefined);
}

/** The stability class of `method`, or `undefined` for a method this snapshot does not know. */
export function stabilityOf(method: string): Stability | undefined {
  return getMethodInfo(method)?.stability;
}
