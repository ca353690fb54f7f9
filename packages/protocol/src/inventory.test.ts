import { describe, expect, it } from 'vitest';
import { SNAPSHOT_VERSION, snapshotBundle, unionMethods } from '../test/vendored-snapshot.js';
import { ClientRequestMethods, CODEX_PROTOCOL_VERSION, PROTOCOL_REVISION } from './generated/methods.js';
import { getMethodInfo, inventory, isKnownMethod } from './inventory.js';

const bundle = snapshotBundle;
const methodsOf = unionMethods;
const UNIONS = {
  clientRequests: 'ClientRequest',
  serverRequests: 'ServerRequest',
  serverNotifications: 'ServerNotification',
  clientNotifications: 'ClientNotification',
} as const;

describe('inventory', () => {
  const inv = inventory();

  it('has the method counts of the vendored snapshot', () => {
    expect(inv.codexVersion).toBe(SNAPSHOT_VERSION);
    let all = 0;
    for (const [group, union] of Object.entries(UNIONS)) {
      const total = methodsOf(bundle('experimental'), union).length;
      const stable = methodsOf(bundle('stable'), union).length;
      expect(total).toBeGreaterThan(0);
      expect(inv.counts[group as keyof typeof UNIONS], group).toMatchObject({
        total,
        stable,
        experimental: total - stable,
      });
      all += total;
    }
    expect(inv.methods).toHaveLength(all);
  });

  it('lists exactly the methods of the snapshot, with the gate from the bundle comparison', () => {
    const stable = bundle('stable');
    const experimental = bundle('experimental');
    const groups = [
      ['ClientRequest', 'clientRequest'],
      ['ServerRequest', 'serverRequest'],
      ['ServerNotification', 'serverNotification'],
      ['ClientNotification', 'clientNotification'],
    ] as const;
    for (const [union, group] of groups) {
      const all = methodsOf(experimental, union);
      const stableSet = new Set(methodsOf(stable, union));
      const listed = inv.methods.filter((m) => m.group === group);
      expect(listed.map((m) => m.method)).toEqual(all);
      for (const m of listed) expect(m.requiresExperimentalApi, m.method).toBe(!stableSet.has(m.method));
    }
  });

  it('describes each method with direction, kind, stability and type names', () => {
    expect(getMethodInfo('thread/start')).toMatchObject({
      name: 'threadStart',
      group: 'clientRequest',
      direction: 'clientToServer',
      kind: 'request',
      stability: 'stable',
      paramsType: 'ThreadStartParams',
      paramsMode: 'required',
      resultType: 'ThreadStartResponse',
    });
    expect(getMethodInfo('item/completed')).toMatchObject({
      direction: 'serverToClient',
      kind: 'notification',
      paramsType: 'ItemCompletedNotification',
      resultType: null,
    });
    expect(getMethodInfo('initialized')).toMatchObject({ paramsType: null, paramsMode: 'none' });
    expect(getMethodInfo('account/rateLimits/read')).toMatchObject({ paramsMode: 'nullable' });
    expect(getMethodInfo('applyPatchApproval')).toMatchObject({
      stability: 'deprecated',
      direction: 'serverToClient',
    });
    expect(getMethodInfo('mock/experimentalMethod')).toMatchObject({
      stability: 'internal',
      requiresExperimentalApi: true,
    });
    expect(getMethodInfo('thread/start')?.description).toBeUndefined();
    expect(getMethodInfo('command/exec')?.description).toMatch(/Execute a standalone command/);
  });

  it('knows its method names and nothing else', () => {
    expect(isKnownMethod('turn/steer')).toBe(true);
    expect(isKnownMethod('turn/teleport')).toBe(false);
    expect(getMethodInfo('turn/teleport')).toBeUndefined();
    expect(new Set(inv.methods.map((m) => m.method)).size).toBe(inv.methods.length);
    expect(Object.keys(ClientRequestMethods)).toHaveLength(
      methodsOf(bundle('experimental'), 'ClientRequest').length,
    );
    expect(ClientRequestMethods.threadStart).toBe('thread/start');
  });

  it('exposes the version and the snapshot revision', () => {
    expect(CODEX_PROTOCOL_VERSION).toBe(SNAPSHOT_VERSION);
    expect(PROTOCOL_REVISION).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(inv.revision).toBe(PROTOCOL_REVISION);
  });
});
