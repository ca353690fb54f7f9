import { describe, expect, it } from 'vitest';
import { miniProtocols, PINNED_CODEX_VERSION, REPO_ROOT, ref, snapshotOf } from '../test/fixtures.js';
import {
  camelMethodName,
  classifyMethods,
  cleanMethodDescription,
  DEFAULT_METHOD_POLICY,
  type MethodPolicy,
} from './classify-methods.js';
import { collectDefinitions } from './collect-definitions.js';
import { loadSnapshot } from './load-snapshot.js';
import { METHOD_UNIONS } from './policy.js';

const noPolicy: MethodPolicy = {
  stabilityOverrides: {},
  resultTypeOverrides: {},
  unmatchedResponses: {},
  untypedResults: {},
};

function classifyMini(policy: MethodPolicy = noPolicy) {
  const { stable, experimental } = miniProtocols();
  const snapshot = snapshotOf(stable, experimental);
  return classifyMethods(snapshot, collectDefinitions(snapshot), policy);
}

/** The mini protocol plus `odd/one`, a request whose result type the naming convention cannot find. */
function withResultlessRequest() {
  const { stable, experimental } = miniProtocols();
  const odd = {
    ...experimental,
    clientRequests: [...experimental.clientRequests, ['odd/one', ref('ThingChangedNotification')]],
  };
  const snapshot = snapshotOf(stable, odd as typeof experimental);
  return { snapshot, defs: collectDefinitions(snapshot) };
}

describe('camelMethodName / cleanMethodDescription', () => {
  it('camelCases wire names', () => {
    expect(camelMethodName('thread/start')).toBe('threadStart');
    expect(camelMethodName('thread/inject_items')).toBe('threadInjectItems');
    expect(camelMethodName('mcpServer/oauth/login')).toBe('mcpServerOauthLogin');
    expect(camelMethodName('initialize')).toBe('initialize');
  });

  it('strips the Rust section markers', () => {
    expect(cleanMethodDescription('NEW APIs')).toBeUndefined();
    expect(cleanMethodDescription('NEW APIs Sent when approval is requested.')).toBe(
      'Sent when approval is requested.',
    );
    expect(cleanMethodDescription('DEPRECATED APIs below Request to approve.')).toBe('Request to approve.');
    expect(cleanMethodDescription(undefined)).toBeUndefined();
  });
});

describe('classifyMethods (synthetic snapshot)', () => {
  it('links params and results and classifies stability by bundle comparison', () => {
    const inventory = classifyMini();
    const start = inventory.methods.find((m) => m.method === 'thing/start')!;
    expect(start).toMatchObject({
      group: 'clientRequests',
      direction: 'clientToServer',
      kind: 'request',
      stability: 'stable',
      requiresExperimentalApi: false,
      paramsMode: 'required',
      experimentalFields: ['turbo'],
      camelName: 'thingStart',
    });
    expect(start.result?.name).toBe('ThingStartResponse');
    const secret = inventory.methods.find((m) => m.method === 'thing/secret')!;
    expect(secret).toMatchObject({
      stability: 'experimental',
      requiresExperimentalApi: true,
      experimentalFields: [],
    });
    const logout = inventory.methods.find((m) => m.method === 'account/logout')!;
    expect(logout.paramsMode).toBe('none');
    expect(logout.result?.name).toBe('AccountLogoutResponse');
    expect(inventory.groups.clientNotifications[0]).toMatchObject({
      method: 'initialized',
      paramsMode: 'none',
    });
    expect(inventory.groups.serverRequests[0]?.direction).toBe('serverToClient');
  });

  it('applies stability overrides and fails on stale ones', () => {
    const policy = {
      ...noPolicy,
      stabilityOverrides: { 'thing/list': { stability: 'deprecated' as const, reason: 'old' } },
    };
    expect(classifyMini(policy).methods.find((m) => m.method === 'thing/list')).toMatchObject({
      stability: 'deprecated',
      stabilityReason: 'old',
      requiresExperimentalApi: false,
    });
    const stale = {
      ...noPolicy,
      stabilityOverrides: { 'gone/method': { stability: 'internal' as const, reason: '' } },
    };
    expect(() => classifyMini(stale)).toThrow(/STABILITY_OVERRIDES lists gone\/method/);
  });

  it('fails with a hint when a result type cannot be found, and honours overrides', () => {
    const { snapshot, defs } = withResultlessRequest();
    expect(() => classifyMethods(snapshot, defs, noPolicy)).toThrow(
      /cannot find the result type of odd\/one.*RESULT_TYPE_OVERRIDES/,
    );
    const fixed = classifyMethods(snapshot, defs, {
      ...noPolicy,
      resultTypeOverrides: { 'odd/one': 'v2/ThingListResponse' },
    });
    expect(fixed.methods.find((m) => m.method === 'odd/one')?.result?.name).toBe('ThingListResponse');
  });

  it('types a listed result-less request as unknown, and reports (not throws) in lenient mode', () => {
    const { snapshot, defs } = withResultlessRequest();
    const untyped = classifyMethods(snapshot, defs, { ...noPolicy, untypedResults: { 'odd/one': 'none' } });
    expect(untyped.methods.find((m) => m.method === 'odd/one')).toMatchObject({
      kind: 'request',
      result: undefined,
    });
    const stale = {
      ...noPolicy,
      stabilityOverrides: { 'gone/method': { stability: 'internal' as const, reason: '' } },
    };
    const lenient = classifyMethods(snapshot, defs, { ...stale, lenient: true });
    expect(lenient.methods.find((m) => m.method === 'odd/one')?.result).toBeUndefined();
    expect(lenient.notes.join('\n')).toMatch(/cannot find the result type of odd\/one/);
    expect(lenient.notes.join('\n')).toMatch(/STABILITY_OVERRIDES lists gone\/method/);
  });

  it('rejects a method that appears in two groups', () => {
    const { stable, experimental } = miniProtocols();
    const dup = { ...experimental, serverNotifications: [['thing/start', ref('ThingChangedNotification')]] };
    const snapshot = snapshotOf(stable, dup as typeof experimental);
    expect(() => classifyMethods(snapshot, collectDefinitions(snapshot), noPolicy)).toThrow(
      /appears in both/,
    );
  });
});

describe('classifyMethods (vendored codex snapshot)', () => {
  const snapshot = loadSnapshot(REPO_ROOT);
  const inventory = classifyMethods(snapshot, collectDefinitions(snapshot), DEFAULT_METHOD_POLICY);
  const count = (group: keyof typeof inventory.groups, experimental?: boolean) =>
    inventory.groups[group].filter(
      (m) => experimental === undefined || m.requiresExperimentalApi === experimental,
    ).length;

  it('finds the methods of the pinned snapshot, gated by the stable/experimental comparison', () => {
    expect(snapshot.version).toBe(PINNED_CODEX_VERSION);
    const branches = (root: typeof snapshot.stable.root, union: string) =>
      ((root.definitions[union] as { oneOf?: unknown[] } | undefined)?.oneOf ?? []).length;
    for (const [group, union] of Object.entries(METHOD_UNIONS)) {
      const g = group as keyof typeof inventory.groups;
      expect(count(g), group).toBe(branches(snapshot.experimental.root, union));
      expect(count(g, false), group).toBe(branches(snapshot.stable.root, union));
    }
    expect(count('clientRequests', true)).toBeGreaterThan(0);
  });

  it('labels the legacy v1 methods deprecated and the test-only method internal', () => {
    const stability = (method: string) => inventory.methods.find((m) => m.method === method)?.stability;
    expect(stability('applyPatchApproval')).toBe('deprecated');
    expect(stability('execCommandApproval')).toBe('deprecated');
    expect(stability('fuzzyFileSearch')).toBe('deprecated');
    expect(stability('mock/experimentalMethod')).toBe('internal');
    expect(stability('thread/start')).toBe('stable');
  });

  it('resolves results that break the naming convention through the override table', () => {
    const result = (method: string) => inventory.methods.find((m) => m.method === method)?.result?.name;
    expect(result('config/value/write')).toBe('ConfigWriteResponse');
    expect(result('account/logout')).toBe('LogoutAccountResponse');
    expect(result('thread/start')).toBe('ThreadStartResponse');
    expect(inventory.notes).toEqual([]);
  });
});
