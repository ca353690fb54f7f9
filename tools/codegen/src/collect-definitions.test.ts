import { describe, expect, it } from 'vitest';
import { miniProtocols, snapshotOf } from '../test/fixtures.js';
import { collectDefinitions, definitionName, flattenDefinitions, refToKey } from './collect-definitions.js';

describe('flattenDefinitions', () => {
  it('flattens namespaces into keys', () => {
    const flat = flattenDefinitions({
      definitions: { A: { type: 'string' }, v2: { B: { type: 'string' }, C: { type: 'object' } } },
    });
    expect([...flat.keys()]).toEqual(['A', 'v2/B', 'v2/C']);
  });
});

describe('definitionName / refToKey', () => {
  it('names definitions after their last key segment, avoiding reserved names', () => {
    expect(definitionName('v2/Thread')).toBe('Thread');
    expect(definitionName('v2/Error')).toBe('ErrorType');
    expect(refToKey('#/definitions/v2/Thread')).toBe('v2/Thread');
    expect(() => refToKey('http://example.com/x')).toThrow(/unsupported \$ref/);
  });
});

describe('collectDefinitions', () => {
  it('marks definitions and fields that only the experimental bundle has', () => {
    const { stable, experimental } = miniProtocols();
    const set = collectDefinitions(snapshotOf(stable, experimental));
    expect(set.byName.get('ThingSecretParams')?.experimentalOnly).toBe(true);
    expect(set.byName.get('ThingStartParams')?.experimentalOnly).toBe(false);
    expect(set.byName.get('ThingStartParams')?.experimentalFields).toEqual(['turbo']);
    expect(set.resolveRef('#/definitions/v2/ThingStartParams').name).toBe('ThingStartParams');
    expect(() => set.resolveRef('#/definitions/v2/Nope')).toThrow(/dangling/);
    expect(set.byName.get('ClientRequest')?.omitted).toMatch(/ClientRequestMap/);
  });

  it('merges identical definitions that share a name and rejects different ones', () => {
    const { stable, experimental } = miniProtocols();
    const withDup = { ...experimental, root: { ThingListResponse: experimental.v2.ThingListResponse! } };
    const set = collectDefinitions(snapshotOf({ ...stable, root: withDup.root }, withDup));
    expect(set.byName.get('ThingListResponse')?.keys).toEqual(['ThingListResponse', 'v2/ThingListResponse']);
    expect(set.byName.get('ThingListResponse')?.key).toBe('v2/ThingListResponse');
    expect(set.notes.some((n) => n.includes('merged'))).toBe(true);

    const clash = { ...experimental, root: { ThingListResponse: { type: 'string' as const } } };
    expect(() => collectDefinitions(snapshotOf(stable, clash))).toThrow(
      /share the name ThingListResponse but differ/,
    );
  });

  it('reports a v2 view that disagrees with the root bundle', () => {
    const { stable, experimental } = miniProtocols();
    const snapshot = snapshotOf(stable, experimental);
    snapshot.experimental.v2.definitions = { ThingListParams: { type: 'string' } };
    expect(collectDefinitions(snapshot).notes).toContain(
      "experimental v2 bundle's ThingListParams differs from the root bundle's",
    );
  });
});
