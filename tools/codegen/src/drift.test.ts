import { describe, expect, it } from 'vitest';
import { miniProtocols, snapshotOf } from '../test/fixtures.js';
import type { MethodPolicy } from './classify-methods.js';
import { computeDrift, formatDrift, hasDrift } from './drift.js';
import { buildModel } from './model.js';

const noPolicy: MethodPolicy = {
  stabilityOverrides: {},
  resultTypeOverrides: {},
  unmatchedResponses: {},
  untypedResults: {},
};

describe('computeDrift', () => {
  const { stable, experimental } = miniProtocols();
  const before = buildModel(snapshotOf(stable, experimental, '1.0.0'), noPolicy);

  it('reports no drift between identical snapshots', () => {
    const report = computeDrift(before, buildModel(snapshotOf(stable, experimental, '1.0.0'), noPolicy));
    expect(hasDrift(report)).toBe(false);
    expect(formatDrift(report)).toContain('No drift');
  });

  it('reports added/removed methods, stability changes and changed types', () => {
    // Next version: thing/secret becomes stable, thing/list is removed, ThingStartResponse gains a field,
    // thing/start loses its experimental field (now stable).
    const nextV2 = {
      ...experimental.v2,
      ThingStartParams: stable.v2.ThingStartParams!,
      ThingStartResponse: {
        properties: { id: { type: 'string' as const }, at: { type: 'string' as const } },
        required: ['id'],
        type: 'object' as const,
      },
    };
    const next = {
      ...experimental,
      clientRequests: experimental.clientRequests.filter(([m]) => m !== 'thing/list'),
      v2: nextV2,
    };
    const after = buildModel(snapshotOf(next, next, '2.0.0'), noPolicy);
    const report = computeDrift(before, after);
    expect(hasDrift(report)).toBe(true);
    expect(report.methodsRemoved.map((m) => m.method)).toEqual(['thing/list']);
    expect(report.methodsAdded).toEqual([]);
    expect(report.stabilityChanged).toEqual([{ method: 'thing/secret', from: 'experimental', to: 'stable' }]);
    expect(report.experimentalFieldsChanged).toEqual([
      { method: 'thing/start', added: [], removed: ['turbo'] },
    ]);
    expect(report.resultChanged).toEqual([
      { method: 'thing/start', from: 'ThingStartResponse', to: 'ThingStartResponse', shapeChanged: true },
    ]);
    expect(report.paramsChanged.map((c) => c.method)).toEqual(['thing/start']);
    expect(report.definitionsChanged).toEqual(['ThingStartParams', 'ThingStartResponse']);
    const text = formatDrift(report);
    expect(text).toContain('Methods removed (1):\n  thing/list [clientRequests, stable]');
    expect(text).toContain('thing/secret: experimental → stable');
  });

  it('separates documentation-only changes from shape changes', () => {
    const docV2 = {
      ...experimental.v2,
      ThingListParams: { ...experimental.v2.ThingListParams!, description: 'Now documented.' },
    };
    const after = buildModel(
      snapshotOf(
        { ...stable, v2: { ...stable.v2, ThingListParams: docV2.ThingListParams } },
        { ...experimental, v2: docV2 },
        '1.0.1',
      ),
      noPolicy,
    );
    const report = computeDrift(before, after);
    expect(report.definitionsChanged).toEqual([]);
    expect(report.docsChanged).toEqual(['ThingListParams']);
    expect(report.paramsChanged).toEqual([]);
  });

  it('treats a first snapshot as drift', () => {
    expect(hasDrift(computeDrift(undefined, before))).toBe(true);
    expect(formatDrift(computeDrift(undefined, before))).toContain('Methods added (7)');
  });
});
