import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodexusError, compareVersions } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { HISTORY_VERSIONS } from './generated/history.js';
import { ClientRequestMethods, CODEX_PROTOCOL_VERSION } from './generated/methods.js';
import { inventory } from './inventory.js';
import type { MethodGroup } from './method-info.js';
import { assertMethodSupported, availableIn, methodSupport, recordedMethods } from './method-support.js';

const historyDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'history');
const GROUP_FILE_KEYS: Record<MethodGroup, string> = {
  clientRequest: 'clientRequests',
  serverRequest: 'serverRequests',
  serverNotification: 'serverNotifications',
  clientNotification: 'clientNotifications',
};
const recorded = readdirSync(historyDir).map(
  (name) =>
    JSON.parse(readFileSync(join(historyDir, name), 'utf8')) as {
      codexVersion: string;
      methods: Record<string, Record<string, string>>;
    },
);
const pinMethods = new Set(Object.values(ClientRequestMethods) as string[]);

describe('methodSupport (from schema/history/ and the pin)', () => {
  it('records every history file and the pin, oldest first', () => {
    const expected = [...recorded.map((e) => e.codexVersion), CODEX_PROTOCOL_VERSION].sort(compareVersions);
    expect(HISTORY_VERSIONS).toEqual(expected);
    expect(inventory().recordedVersions).toEqual(expected);
  });

  it('answers yes/no exactly for every recorded version and method', () => {
    const groups = Object.keys(GROUP_FILE_KEYS) as MethodGroup[];
    let checked = 0;
    for (const entry of recorded) {
      for (const group of groups) {
        const has = new Set(Object.keys(entry.methods[GROUP_FILE_KEYS[group]] ?? {}));
        for (const method of recordedMethods(group)) {
          const expected = has.has(method) ? 'yes' : 'no';
          expect(
            methodSupport(method, entry.codexVersion, group).status,
            `${method} @ ${entry.codexVersion}`,
          ).toBe(expected);
          checked++;
        }
      }
    }
    for (const method of pinMethods) expect(methodSupport(method, CODEX_PROTOCOL_VERSION).status).toBe('yes');
    expect(checked).toBeGreaterThan(recorded.length * 100);
  });

  it('interpolates between recorded versions: agreement decides, disagreement is unknown', () => {
    const [lo, hi] = [HISTORY_VERSIONS[0]!, HISTORY_VERSIONS[1]!];
    const [major, minor] = lo.split('.').map(Number) as [number, number];
    const between = `${major}.${minor}.99`;
    expect(compareVersions(between, lo) > 0 && compareVersions(between, hi) < 0).toBe(true);
    const methods = recordedMethods('clientRequest');
    const came = methods.find((m) => !availableIn(m).includes(lo) && availableIn(m).includes(hi));
    const both = methods.find((m) => availableIn(m).includes(lo) && availableIn(m).includes(hi));
    const neither = methods.find((m) => !availableIn(m).includes(lo) && !availableIn(m).includes(hi));
    expect(came && both && neither).toBeTruthy();
    expect(methodSupport(came!, between).status).toBe('unknown');
    expect(methodSupport(both!, between).status).toBe('yes');
    expect(methodSupport(neither!, between).status).toBe('no');
    expect(methodSupport(both!, '0.1.0').status).toBe('unknown');
    expect(methodSupport('no/suchMethod', lo).status).toBe('unknown');
  });

  it('newer than the pin: what the pin has is assumed, what it dropped is unknown', () => {
    const newer = '9.0.0';
    const dropped = recordedMethods('clientRequest').find((m) => !pinMethods.has(m));
    expect(methodSupport('thread/start', newer).status).toBe('yes');
    expect(dropped).toBeDefined();
    expect(methodSupport(dropped!, newer).status).toBe('unknown');
    expect(methodSupport(dropped!, CODEX_PROTOCOL_VERSION)).toMatchObject({
      status: 'no',
      lastIn: availableIn(dropped!).at(-1),
    });
  });

  it('assertMethodSupported throws METHOD_UNSUPPORTED naming the method and the version', () => {
    const oldest = HISTORY_VERSIONS[0]!;
    const added = [...pinMethods].find((m) => !availableIn(m).includes(oldest));
    expect(added).toBeDefined();
    const error = (() => {
      try {
        assertMethodSupported(added!, oldest);
      } catch (e) {
        return e;
      }
    })();
    expect(CodexusError.is(error, 'METHOD_UNSUPPORTED')).toBe(true);
    expect((error as Error).message).toContain(added!);
    expect((error as Error).message).toContain(oldest);
    expect((error as CodexusError).data).toMatchObject({ method: added, codexVersion: oldest });
    expect(() => assertMethodSupported('thread/start', oldest)).not.toThrow();
  });

  it('the inventory lists, per method, the recorded versions that have it', () => {
    const info = inventory().methods.find((m) => m.method === 'thread/start')!;
    expect(info.availableIn).toEqual(HISTORY_VERSIONS);
    for (const m of inventory().methods) expect(m.availableIn).toContain(CODEX_PROTOCOL_VERSION);
  });
});
