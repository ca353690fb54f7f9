import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JsonSchemaObject } from '../src/json-schema.js';
import type { Snapshot } from '../src/load-snapshot.js';
import type { IrContext } from '../src/to-ir.js';

/** The repository root (tests read the vendored snapshot from it). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The codex version the workspace pins (the root package.json), which the vendored snapshot must be. */
export const PINNED_CODEX_VERSION: string = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
).devDependencies['@openai/codex'];

/** The real codex wrapper pinned by the workspace. */
export const CODEX_BIN = fileURLToPath(
  new URL('../../../node_modules/@openai/codex/bin/codex.js', import.meta.url),
);

/** An IR context resolving `#/definitions/X` and `#/definitions/v2/X` to `X`. */
export function irContext(extra: Partial<IrContext> = {}): IrContext {
  return { refName: (ref) => ref.slice(ref.lastIndexOf('/') + 1), notes: [], ...extra };
}

type Definitions = Record<string, JsonSchemaObject | Record<string, JsonSchemaObject>>;

function request(method: string, params: JsonSchemaObject | undefined): JsonSchemaObject {
  const properties: Record<string, JsonSchemaObject> = {
    id: { $ref: '#/definitions/RequestId' },
    method: { enum: [method], type: 'string' },
  };
  if (params) properties.params = params;
  return { properties, required: params ? ['id', 'method', 'params'] : ['id', 'method'], type: 'object' };
}

function notification(method: string, params: JsonSchemaObject | undefined): JsonSchemaObject {
  const properties: Record<string, JsonSchemaObject> = { method: { enum: [method], type: 'string' } };
  if (params) properties.params = params;
  return { properties, required: params ? ['method', 'params'] : ['method'], type: 'object' };
}

export interface MiniProtocol {
  clientRequests: [method: string, params: JsonSchemaObject | undefined][];
  serverRequests?: [method: string, params: JsonSchemaObject | undefined][];
  serverNotifications?: [method: string, params: JsonSchemaObject | undefined][];
  clientNotifications?: [method: string, params: JsonSchemaObject | undefined][];
  v2: Record<string, JsonSchemaObject>;
  root?: Record<string, JsonSchemaObject>;
}

/** A bundle shaped like codex's root bundle, from a compact description. */
export function bundleOf(protocol: MiniProtocol): { definitions: Definitions } {
  return {
    definitions: {
      RequestId: { anyOf: [{ type: 'string' }, { type: 'integer', format: 'int64' }] },
      ClientRequest: { oneOf: protocol.clientRequests.map(([m, p]) => request(m, p)) },
      ServerRequest: { oneOf: (protocol.serverRequests ?? []).map(([m, p]) => request(m, p)) },
      ServerNotification: { oneOf: (protocol.serverNotifications ?? []).map(([m, p]) => notification(m, p)) },
      ClientNotification: { oneOf: (protocol.clientNotifications ?? []).map(([m, p]) => notification(m, p)) },
      ...(protocol.root ?? {}),
      v2: protocol.v2,
    },
  };
}

/** An in-memory snapshot (no files) from a stable and an experimental protocol description. */
export function snapshotOf(stable: MiniProtocol, experimental: MiniProtocol, version = '1.2.3'): Snapshot {
  const s = bundleOf(stable);
  const e = bundleOf(experimental);
  return {
    version,
    dir: '(memory)',
    stable: { root: s, v2: { definitions: stable.v2 } },
    experimental: { root: e, v2: { definitions: experimental.v2 } },
    files: [],
    revision: `sha256:${version}`,
    provenance: undefined,
  } as Snapshot;
}

export const ref = (name: string): JsonSchemaObject => ({ $ref: `#/definitions/v2/${name}` });

/** A small but representative protocol: a stable method, an experimental one, an experimental field. */
export function miniProtocols(): { stable: MiniProtocol; experimental: MiniProtocol } {
  const stableV2: Record<string, JsonSchemaObject> = {
    ThingStartParams: {
      properties: {
        name: { type: 'string' },
        limit: { format: 'uint32', minimum: 0, type: ['integer', 'null'] },
      },
      required: ['name'],
      type: 'object',
    },
    ThingStartResponse: { properties: { id: { type: 'string' } }, required: ['id'], type: 'object' },
    ThingListParams: { properties: { cursor: { type: ['string', 'null'] } }, type: 'object' },
    ThingListResponse: {
      properties: { data: { items: { type: 'string' }, type: 'array' } },
      required: ['data'],
      type: 'object',
    },
    AccountLogoutResponse: { type: 'object' },
    ThingChangedNotification: { properties: { id: { type: 'string' } }, required: ['id'], type: 'object' },
    ApproveParams: { properties: { command: { type: 'string' } }, required: ['command'], type: 'object' },
    ApproveResponse: {
      properties: { decision: { enum: ['accept', 'decline'], type: 'string' } },
      required: ['decision'],
      type: 'object',
    },
  };
  const stable: MiniProtocol = {
    clientRequests: [
      ['thing/start', ref('ThingStartParams')],
      ['thing/list', ref('ThingListParams')],
      ['account/logout', { type: 'null' }],
    ],
    serverRequests: [['item/approve', ref('ApproveParams')]],
    serverNotifications: [['thing/changed', ref('ThingChangedNotification')]],
    clientNotifications: [['initialized', undefined]],
    v2: stableV2,
  };
  const experimentalV2: Record<string, JsonSchemaObject> = {
    ...stableV2,
    ThingStartParams: {
      ...stableV2.ThingStartParams!,
      properties: { ...stableV2.ThingStartParams!.properties, turbo: { type: 'boolean' } },
    },
    ThingSecretParams: { properties: { key: { type: 'string' } }, required: ['key'], type: 'object' },
    ThingSecretResponse: { type: 'object' },
  };
  const experimental: MiniProtocol = {
    ...stable,
    clientRequests: [...stable.clientRequests, ['thing/secret', ref('ThingSecretParams')]],
    v2: experimentalV2,
  };
  return { stable, experimental };
}
