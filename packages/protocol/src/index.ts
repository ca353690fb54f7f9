/**
 * @codexus/protocol: the codex app-server protocol, generated from the vendored JSON Schema
 * snapshot by @codexus/codegen. Types and schemas for every definition, the method inventory and
 * maps, decoders, validators and a facade with one method per client request.
 */

// Hand-written runtime.
export {
  createFacade,
  type FacadeOptions,
  type RequestFunction,
  type TypedRequestFunction,
} from './create-facade.js';
export {
  type DecodedNotification,
  type DecodedServerRequest,
  decodeNotification,
  decodeServerRequest,
  isServerNotificationMethod,
  isServerRequestMethod,
  type NotificationMessage,
  type ServerRequestMessage,
  type UnknownNotification,
  type UnknownServerRequest,
} from './decode.js';
export type { KnownServerNotification, KnownServerRequest } from './generated/decoders.js';
export {
  DEFINITION_KEYS,
  DEFINITION_SCHEMAS,
  type DefinitionName,
  type DefinitionTypes,
  EXPERIMENTAL_DEFINITION_FIELDS,
  EXPERIMENTAL_DEFINITIONS,
  OMITTED_DEFINITIONS,
} from './generated/definitions.js';
export { type ClientFacade, FACADE_METHODS, type FacadeParams } from './generated/facade.js';
export { HISTORY_VERSIONS } from './generated/history.js';
export {
  CLIENT_NOTIFICATION_SCHEMAS,
  CLIENT_REQUEST_SCHEMAS,
  type ClientNotificationSchemas,
  type ClientRequestSchemas,
  NoParamsSchema,
  SERVER_NOTIFICATION_SCHEMAS,
  SERVER_REQUEST_SCHEMAS,
  type ServerNotificationSchemas,
  type ServerRequestSchemas,
} from './generated/method-schemas.js';
// Generated: versions, method names, method-keyed maps, per-method schemas.
export {
  type ClientNotificationMap,
  type ClientNotificationMethod,
  ClientNotificationMethods,
  type ClientRequestMap,
  type ClientRequestMethod,
  ClientRequestMethods,
  CODEX_PROTOCOL_VERSION,
  EXPERIMENTAL_PARAMS_FIELDS,
  PROTOCOL_REVISION,
  type ServerNotificationMap,
  type ServerNotificationMethod,
  ServerNotificationMethods,
  type ServerRequestMap,
  type ServerRequestMethod,
  ServerRequestMethods,
} from './generated/methods.js';
export * from './generated/schemas.js';
// Generated: every schema definition as a TypeScript type and a valibot schema (`XxxSchema`).
export * from './generated/types.js';
export { getMethodInfo, inventory, isKnownMethod } from './inventory.js';
export type {
  Direction,
  Inventory,
  MethodCounts,
  MethodGroup,
  MethodInfo,
  MethodKind,
  MethodRow,
  ParamsMode,
  Stability,
} from './method-info.js';
export { getMethodSpec, type MethodSpec, type NotificationSpec, type RequestSpec } from './method-spec.js';
export {
  assertMethodSupported,
  availableIn,
  type MethodSupport,
  methodSupport,
  recordedMethods,
  type SupportStatus,
} from './method-support.js';
export { experimentalFields, experimentalFieldsIn, isExperimental, stabilityOf } from './stability.js';
export { toStrictSchema } from './strict-schema.js';
export {
  type CheckOptions,
  checkPayload,
  encodeServerRequestResponse,
  type PayloadCheck,
  type PayloadPart,
  type ValidateParamsOptions,
  type ValidationErrorData,
  type ValidationMode,
  validateNotification,
  validateParams,
  validateResult,
  validateServerRequest,
} from './validate.js';
export {
  type IncomingKind,
  type IncomingReport,
  type ValidateIncomingOptions,
  validateIncoming,
} from './validate-incoming.js';
export { flattenIssues, issuePath, type ValidationIssue } from './validation-issue.js';
