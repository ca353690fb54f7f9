import { readdirSync, readFileSync } from 'node:fs';

/**
 * The vendored snapshot as tests read it: its version (the one directory under `schema/`) and its
 * bundles, so counts and names are compared with the snapshot instead of restated in the tests.
 */

const schemaRoot = new URL('../schema/', import.meta.url);

export const SNAPSHOT_VERSION: string = readdirSync(schemaRoot).find((n) => /^\d+\.\d+\.\d+/.test(n))!;

export type SchemaBundle = {
  definitions: Record<string, Record<string, unknown>> & { v2?: Record<string, Record<string, unknown>> };
};

export function snapshotBundle(variant: 'stable' | 'experimental'): SchemaBundle {
  const url = new URL(`${SNAPSHOT_VERSION}/${variant}/codex_app_server_protocol.schemas.json`, schemaRoot);
  return JSON.parse(readFileSync(url, 'utf8')) as SchemaBundle;
}

/** The method names of one of the four unions (`ClientRequest`, ...), in schema order. */
export function unionMethods(bundle: SchemaBundle, union: string): string[] {
  const branches = (bundle.definitions[union]?.oneOf ?? []) as {
    properties: { method: { enum: string[] } };
  }[];
  return branches.map((o) => o.properties.method.enum[0]!);
}
