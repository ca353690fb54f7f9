/**
 * Every decision the generator makes that is not read off the schema lives in one of these named
 * tables. Passes consult the tables; they never hard-code method or type names. `policy.test.ts`
 * checks that each entry still refers to something that exists in the vendored snapshot, so a stale
 * entry fails the build instead of silently doing nothing.
 */

/** Stability classes. `experimental` comes from the bundle comparison, the others from policy. */
export type Stability = 'stable' | 'experimental' | 'deprecated' | 'internal';

export interface StabilityOverride {
  readonly stability: 'deprecated' | 'internal';
  readonly reason: string;
}

/**
 * Methods whose stability class is set by policy. The bundle comparison still decides whether a
 * method needs the `experimentalApi` capability; this table only adds the deprecated/internal label.
 */
export const STABILITY_OVERRIDES: Readonly<Record<string, StabilityOverride>> = {
  applyPatchApproval: {
    stability: 'deprecated',
    reason:
      'Legacy v1 approval, only sent for turns started through the legacy APIs; use item/fileChange/requestApproval.',
  },
  execCommandApproval: {
    stability: 'deprecated',
    reason:
      'Legacy v1 approval, only sent for turns started through the legacy APIs; use item/commandExecution/requestApproval.',
  },
  fuzzyFileSearch: {
    stability: 'deprecated',
    reason: 'v1 one-shot search; use the fuzzyFileSearch/session* methods.',
  },
  'thread/compacted': {
    stability: 'deprecated',
    reason: 'The schema says: "Deprecated: Use `ContextCompaction` item type instead."',
  },
  'item/fileChange/outputDelta': {
    stability: 'deprecated',
    reason: 'The schema says: "Deprecated legacy apply_patch output stream notification."',
  },
  'mock/experimentalMethod': {
    stability: 'internal',
    reason: 'The schema says: "Test-only method used to validate experimental gating."',
  },
};

/**
 * The schema links a request to its params type only. The result type is found by convention
 * (`XxxParams` → `XxxResponse`, then the method name in PascalCase + `Response`); these methods break
 * the convention and are mapped by hand. Keys are method names, values are definition keys.
 */
export const RESULT_TYPE_OVERRIDES: Readonly<Record<string, string>> = {
  'account/gatewayOAuth/cancel': 'v2/GatewayOAuthCancelResponse',
  'account/logout': 'v2/LogoutAccountResponse',
  'account/securitySetup/read': 'v2/GetAccountSecuritySetupResponse',
  'account/workspaceMessages/read': 'v2/GetWorkspaceMessagesResponse',
  'accountSession/list': 'v2/AccountSessionsResponse',
  'config/batchWrite': 'v2/ConfigWriteResponse',
  'config/mcpServer/reload': 'v2/McpServerRefreshResponse',
  'config/value/write': 'v2/ConfigWriteResponse',
  'externalAgentConfig/import/readHistories': 'v2/ExternalAgentConfigImportHistoriesReadResponse',
};

/**
 * Requests whose result the schema does not describe (no `*Response` definition exists): typed
 * `unknown` and decoded with `v.unknown()`, each with the reason. Anything else without a result
 * type fails generation.
 */
export const UNTYPED_RESULTS: Readonly<Record<string, string>> = {
  'modelProvider/default/set': 'codex 0.171.0 exports no ModelProviderDefaultSetResponse definition.',
};

/**
 * `*Response` definitions that are not the result of any method (so the completeness check of the
 * result mapping does not flag them).
 */
export const UNMATCHED_RESPONSE_DEFINITIONS: Readonly<Record<string, string>> = {
  JSONRPCResponse: 'The JSON-RPC envelope, not a method result.',
};

/** Definitions deliberately not emitted as a type + schema, with the reason (documented, tested). */
export const OMITTED_DEFINITIONS: Readonly<Record<string, string>> = {
  ClientRequest:
    'The union of every client request envelope; replaced by ClientRequestMap and the method table.',
  ServerRequest:
    'The union of every server request envelope; replaced by ServerRequestMap and decodeServerRequest.',
  ServerNotification:
    'The union of every notification envelope; replaced by ServerNotificationMap and decodeNotification.',
  ClientNotification: 'The union of every client notification envelope; replaced by ClientNotificationMap.',
};

/** The union definitions that list the methods, one per direction and kind. */
export const METHOD_UNIONS = {
  clientRequests: 'ClientRequest',
  serverRequests: 'ServerRequest',
  serverNotifications: 'ServerNotification',
  clientNotifications: 'ClientNotification',
} as const;

/**
 * Explicit TypeScript names for definition keys (`v2/Name` or `Name`). Without an entry a definition
 * is named after its key's last segment; two keys with the same name must be structurally identical
 * (they are merged) or be renamed here.
 */
export const DEFINITION_RENAMES: Readonly<Record<string, string>> = {};

/** Names a definition may not take as-is (TypeScript globals and names this package exports). */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'Array',
  'Boolean',
  'Date',
  'Error',
  'Function',
  'Map',
  'Number',
  'Object',
  'Promise',
  'Record',
  'RegExp',
  'Set',
  'String',
  'Symbol',
  // Names the generated files declare or import next to the definition types.
  'ClientNotificationMap',
  'ClientNotificationMethod',
  'ClientNotificationMethods',
  'ClientNotificationSchemas',
  'ClientRequestMap',
  'ClientRequestMethod',
  'ClientRequestMethods',
  'ClientRequestSchemas',
  'DefinitionName',
  'DefinitionTypes',
  'KnownServerNotification',
  'KnownServerRequest',
  'RequestOptions',
  'ServerNotificationMap',
  'ServerNotificationMethod',
  'ServerNotificationMethods',
  'ServerNotificationSchemas',
  'ServerRequestMap',
  'ServerRequestMethod',
  'ServerRequestMethods',
  'ServerRequestSchemas',
  // Hand-written exports of @codexus/protocol (a definition with one of these names would be shadowed).
  'CheckOptions',
  'ClientFacade',
  'DecodedNotification',
  'DecodedServerRequest',
  'Direction',
  'FacadeOptions',
  'FacadeParams',
  'IncomingKind',
  'IncomingReport',
  'Inventory',
  'MethodCounts',
  'MethodGroup',
  'MethodInfo',
  'MethodKind',
  'MethodRow',
  'MethodSpec',
  'NotificationMessage',
  'NotificationSpec',
  'ParamsMode',
  'PayloadCheck',
  'PayloadPart',
  'RequestFunction',
  'RequestSpec',
  'ServerRequestMessage',
  'Stability',
  'TypedRequestFunction',
  'UnknownNotification',
  'UnknownServerRequest',
  'ValidateIncomingOptions',
  'ValidateParamsOptions',
  'ValidationErrorData',
  'ValidationIssue',
  'ValidationMode',
]);

/** Suffix added to a definition name found in {@link RESERVED_NAMES}. */
export const RESERVED_NAME_SUFFIX = 'Type';

/**
 * Object definitions without `properties` that are open maps rather than empty structs. Every other
 * property-less object definition is an empty struct (`{}` on the wire) and is typed
 * `Record<string, never>`.
 */
export const FREEFORM_OBJECT_DEFINITIONS: ReadonlySet<string> = new Set(['v2/ThreadExtra']);

/**
 * Objects and the unknown-field policy:
 * - `additionalProperties: false` in the schema → strict everywhere (the schema closes the object).
 * - `additionalProperties: true | schema` → an object with a typed rest (open everywhere).
 * - otherwise → emitted loose (unknown fields kept); the runtime derives strict copies for payloads
 *   the client sends (params of client requests, results of server requests).
 */
export const OBJECT_POLICY = {
  declaredClosed: 'strict',
  declaredOpen: 'rest',
  unspecified: 'loose',
} as const;

/** Property names preferred as a union discriminator, in order, when several qualify. */
export const DISCRIMINATOR_PREFERENCE: readonly string[] = ['type', 'method', 'mode', 'kind', 'status'];

/**
 * Integer `format`s and the range they allow. `int64`/`uint64` values above 2^53 lose precision in
 * `JSON.parse`; the codex app-server does not send such values for ids or counters in practice.
 */
export const INTEGER_FORMATS: Readonly<Record<string, { min?: number; max?: number }>> = {
  int8: { min: -128, max: 127 },
  int16: { min: -32768, max: 32767 },
  int32: { min: -2147483648, max: 2147483647 },
  int64: {},
  uint8: { min: 0, max: 255 },
  uint16: { min: 0, max: 65535 },
  uint32: { min: 0, max: 4294967295 },
  uint64: { min: 0 },
  uint: { min: 0 },
};

/** Number formats accepted without a range. */
export const NUMBER_FORMATS: ReadonlySet<string> = new Set(['double', 'float']);

/**
 * Section markers of the Rust source that leak into method descriptions ("NEW APIs Sent when ...").
 * They are stripped from the start of a description; a description that is only a marker is dropped.
 */
export const DESCRIPTION_MARKERS: readonly string[] = [
  'DEPRECATED APIs below',
  'NEW NOTIFICATIONS',
  'NEW APIs',
];

/** camelCase facade/constant names that cannot be derived from the method name. */
export const FACADE_NAME_OVERRIDES: Readonly<Record<string, string>> = {};

/** The first line of every generated file. */
export function generatedHeader(codexVersion: string): string {
  return `// @generated by @codexus/codegen from codex ${codexVersion}. DO NOT EDIT.`;
}

/** Where things live, relative to the repository root. */
export const LAYOUT = {
  schemaRoot: 'packages/protocol/schema',
  generatedDir: 'packages/protocol/src/generated',
  /** Bundle files vendored per variant (the root bundle holds every definition; v2 is a flat view). */
  bundleFiles: ['codex_app_server_protocol.schemas.json', 'codex_app_server_protocol.v2.schemas.json'],
  rootBundle: 'codex_app_server_protocol.schemas.json',
  v2Bundle: 'codex_app_server_protocol.v2.schemas.json',
  variants: ['stable', 'experimental'],
  provenanceFile: 'provenance.json',
} as const;
