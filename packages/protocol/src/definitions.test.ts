import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { snapshotBundle } from '../test/vendored-snapshot.js';
import * as protocol from './index.js';

type Defs = Record<string, Record<string, unknown>>;
const bundle = snapshotBundle('experimental') as { definitions: Defs };

/** Every definition key of the snapshot (`v2/Name` for the namespace). */
function snapshotKeys(): string[] {
  const keys: string[] = [];
  for (const [key, value] of Object.entries(bundle.definitions)) {
    if (key === 'v2') keys.push(...Object.keys(value).map((k) => `v2/${k}`));
    else keys.push(key);
  }
  return keys.sort();
}

describe('definition completeness', () => {
  const emittedKeys = new Map<string, string>();
  for (const [name, keys] of Object.entries(protocol.DEFINITION_KEYS))
    for (const key of keys) emittedKeys.set(key, name);

  it('covers every definition of the snapshot, or lists it as a deliberate omission', () => {
    const missing = snapshotKeys().filter(
      (key) => !emittedKeys.has(key) && !(key in protocol.OMITTED_DEFINITIONS),
    );
    expect(missing).toEqual([]);
    expect(Object.keys(protocol.OMITTED_DEFINITIONS).sort()).toEqual([
      'ClientNotification',
      'ClientRequest',
      'ServerNotification',
      'ServerRequest',
    ]);
  });

  it('exports a valibot schema for every emitted definition', () => {
    const exports = protocol as unknown as Record<string, unknown>;
    for (const name of Object.keys(protocol.DEFINITION_KEYS)) {
      const schema = exports[`${name}Schema`] as { kind?: string } | undefined;
      expect(schema?.kind, name).toBe('schema');
      expect(protocol.DEFINITION_SCHEMAS[name as protocol.DefinitionName]).toBe(schema);
    }
    expect(Object.keys(protocol.DEFINITION_SCHEMAS).sort()).toEqual(
      Object.keys(protocol.DEFINITION_KEYS).sort(),
    );
  });

  it('marks experimental definitions and fields from the bundle comparison', () => {
    expect(protocol.EXPERIMENTAL_DEFINITIONS).toContain('ThreadRealtimeStartParams');
    expect(protocol.EXPERIMENTAL_DEFINITIONS).not.toContain('ThreadStartParams');
    expect(protocol.EXPERIMENTAL_DEFINITION_FIELDS.Thread).toContain('environments');
    expect(protocol.DEFINITION_KEYS.AbsolutePathBuf).toEqual(['AbsolutePathBuf', 'v2/AbsolutePathBuf']);
  });
});

describe('hand-written exports', () => {
  it('never shadow a generated definition name', () => {
    const index = readFileSync(new URL('./index.ts', import.meta.url), 'utf8');
    const handWritten = [...index.matchAll(/^\s+(?:type\s+)?([A-Za-z_$][\w$]*),?$/gm)].map((m) => m[1]!);
    expect(handWritten.length).toBeGreaterThan(50);
    const generated = new Set(
      Object.keys(protocol.DEFINITION_KEYS).flatMap((name) => [name, `${name}Schema`]),
    );
    expect(handWritten.filter((name) => generated.has(name))).toEqual([]);
  });
});
