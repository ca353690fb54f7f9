import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClientRequestMethods, CODEX_PROTOCOL_VERSION, PROTOCOL_REVISION } from './generated/methods.js';
import { getMethodInfo, inventory, isKnownMethod } from './inventory.js';

type Bundle = { definitions: Record<string, { oneOf?: { properties: { method: { enum: string[] } } }[] }> };
const bundle = (variant: string): Bundle =>
  JSON.parse(
    readFileSync(
      new URL(`../schema/0.169.0/${variant}/codex_app_server_protocol.schemas.json`, import.meta.url),
      'utf8',
    ),
  );
const methodsOf = (b: Bundle, union: string) =>
  (b.definitions[union]?.oneOf ?? []).map((o) => o.properties.method.enum[0]!);

describe('inventory', () => {
  const inv = inventory();

  it('has the method counts of codex 0.169.0', () => {
    expect(inv.codexVersion).toBe('0.169.0');
    expect(inv.counts.clientRequests).toMatchObject({ total: 184, stable: 109, experimental: 75 });
    expect(inv.counts.serverRequests).toMatchObject({ total: 11, stable: 10, experimental: 1 });
    expect(inv.counts.serverNotifications).toMatchObject({ total: 86, stable: 86, experimental: 0 });
    expect(inv.counts.clientNotifications).toMatchObject({ total: 1, stable: 1, experimental: 0 });
    expect(inv.methods).toHaveLength(184 + 11 + 86 + 1);
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
    expect(Object.keys(ClientRequestMethods)).toHaveLength(184);
    expect(ClientRequestMethods.threadStart).toBe('thread/start');
  });

  it('exposes the version and the snapshot revision', () => {
    expect(CODEX_PROTOCOL_VERSION).toBe('0.169.0');
    expect(PROTOCOL_REVISION).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(inv.revision).toBe(PROTOCOL_REVISION);
  });
});
