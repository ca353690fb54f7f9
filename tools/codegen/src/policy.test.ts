import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test/fixtures.js';
import { collectDefinitions, flattenDefinitions } from './collect-definitions.js';
import { loadSnapshot } from './load-snapshot.js';
import {
  DEFINITION_RENAMES,
  FREEFORM_OBJECT_DEFINITIONS,
  METHOD_UNIONS,
  OMITTED_DEFINITIONS,
  RESULT_TYPE_OVERRIDES,
  STABILITY_OVERRIDES,
  UNMATCHED_RESPONSE_DEFINITIONS,
  UNTYPED_RESULTS,
} from './policy.js';

/** Every policy entry must still refer to something in the vendored snapshot. */
describe('policy tables', () => {
  const snapshot = loadSnapshot(REPO_ROOT);
  const keys = new Set(flattenDefinitions(snapshot.experimental.root).keys());
  const defs = collectDefinitions(snapshot);
  const methods = new Set(
    Object.values(METHOD_UNIONS).flatMap((union) =>
      (defs.byName.get(union)?.schema.oneOf ?? []).map((b) =>
        typeof b === 'object' ? String((b.properties?.method as { enum?: unknown[] })?.enum?.[0]) : '',
      ),
    ),
  );

  it('names existing methods', () => {
    for (const method of [
      ...Object.keys(STABILITY_OVERRIDES),
      ...Object.keys(RESULT_TYPE_OVERRIDES),
      ...Object.keys(UNTYPED_RESULTS),
    ]) {
      expect(methods.has(method), method).toBe(true);
    }
  });

  it('names existing definitions', () => {
    for (const key of [
      ...Object.values(RESULT_TYPE_OVERRIDES),
      ...FREEFORM_OBJECT_DEFINITIONS,
      ...Object.keys(DEFINITION_RENAMES),
    ]) {
      expect(keys.has(key), key).toBe(true);
    }
    for (const name of [
      ...Object.keys(OMITTED_DEFINITIONS),
      ...Object.keys(UNMATCHED_RESPONSE_DEFINITIONS),
    ]) {
      expect(defs.byName.has(name), name).toBe(true);
    }
  });

  it('keeps the omissions allow-list to the four method unions', () => {
    expect(Object.keys(OMITTED_DEFINITIONS).sort()).toEqual(Object.values(METHOD_UNIONS).sort());
  });

  it('labels the legacy v1 methods named by the issue', () => {
    expect(STABILITY_OVERRIDES.applyPatchApproval?.stability).toBe('deprecated');
    expect(STABILITY_OVERRIDES.execCommandApproval?.stability).toBe('deprecated');
    expect(STABILITY_OVERRIDES.fuzzyFileSearch?.stability).toBe('deprecated');
  });
});
