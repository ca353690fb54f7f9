import type * as v from 'valibot';
import type {
  ClientNotificationMap,
  ClientNotificationMethod,
  ClientRequestMap,
  ClientRequestMethod,
  ServerNotificationMap,
  ServerNotificationMethod,
  ServerRequestMap,
  ServerRequestMethod,
} from './generated/methods.js';
import { schemasOf } from './internal/schema-lookup.js';
import { getMethodInfo } from './inventory.js';
import type { MethodInfo } from './method-info.js';

/**
 * A method's inventory entry plus its schemas. The schemas are the loose ones (unknown fields
 * kept); `toStrictSchema(spec.params)` gives the strict copy used before sending.
 */
export interface MethodSpec<P = unknown, R = unknown> extends MethodInfo {
  readonly params: v.GenericSchema<unknown, P>;
  /** `undefined` for notifications. */
  readonly result: v.GenericSchema<unknown, R> | undefined;
}

/** The spec of a request: `result` is always there. */
export interface RequestSpec<P, R> extends MethodSpec<P, R> {
  readonly result: v.GenericSchema<unknown, R>;
}

/** The spec of a notification: no result. */
export interface NotificationSpec<P> extends MethodSpec<P, never> {
  readonly result: undefined;
}

const specs = new Map<string, MethodSpec>();

/**
 * Params/result schemas and metadata of a method. Typed for known method literals; `undefined`
 * (never a throw) for a method this snapshot does not know.
 */
export function getMethodSpec<M extends ClientRequestMethod>(
  method: M,
): RequestSpec<ClientRequestMap[M]['params'], ClientRequestMap[M]['result']>;
export function getMethodSpec<M extends ServerRequestMethod>(
  method: M,
): RequestSpec<ServerRequestMap[M]['params'], ServerRequestMap[M]['result']>;
export function getMethodSpec<M extends ServerNotificationMethod>(
  method: M,
): NotificationSpec<ServerNotificationMap[M]['params']>;
export function getMethodSpec<M extends ClientNotificationMethod>(
  method: M,
): NotificationSpec<ClientNotificationMap[M]['params']>;
export function getMethodSpec(method: string): MethodSpec | undefined;
export function getMethodSpec(method: string): MethodSpec | undefined {
  const existing = specs.get(method);
  if (existing) return existing;
  const info = getMethodInfo(method);
  const schemas = schemasOf(method);
  if (!info || !schemas) return undefined;
  const spec: MethodSpec = Object.freeze({ ...info, params: schemas.params, result: schemas.result });
  specs.set(method, spec);
  return spec;
}
