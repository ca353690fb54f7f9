import type { KnownServerNotification, KnownServerRequest } from './generated/decoders.js';
import { SERVER_NOTIFICATION_SCHEMAS, SERVER_REQUEST_SCHEMAS } from './generated/method-schemas.js';
import type { ServerNotificationMethod, ServerRequestMethod } from './generated/methods.js';
import type { RequestId } from './generated/types.js';

/**
 * Decoders that only narrow: they look at `method` and type `params` accordingly, without checking
 * the params (use `validateNotification` / `validateServerRequest` for that). They never throw; a
 * method this snapshot does not know decodes to `{ kind: 'unknown' }`.
 */

/** A notification as the transport delivers it (extra envelope fields such as `emittedAtMs` are ignored). */
export interface NotificationMessage {
  readonly method: string;
  readonly params?: unknown;
}

/** A server request as the transport delivers it. */
export interface ServerRequestMessage {
  readonly id: RequestId | null;
  readonly method: string;
  readonly params?: unknown;
}

export interface UnknownNotification {
  readonly kind: 'unknown';
  readonly method: string;
  readonly params: unknown;
}

export interface UnknownServerRequest {
  readonly kind: 'unknown';
  readonly id: RequestId | null;
  readonly method: string;
  readonly params: unknown;
}

/** Check `kind` first, then switch on `method`: each known method narrows `params` to its type. */
export type DecodedNotification = KnownServerNotification | UnknownNotification;

/** Check `kind` first, then switch on `method`: each known method narrows `params` to its type. */
export type DecodedServerRequest = KnownServerRequest | UnknownServerRequest;

/** True when `method` is a server → client notification this snapshot knows. */
export function isServerNotificationMethod(method: string): method is ServerNotificationMethod {
  return Object.hasOwn(SERVER_NOTIFICATION_SCHEMAS, method);
}

/** True when `method` is a server → client request this snapshot knows. */
export function isServerRequestMethod(method: string): method is ServerRequestMethod {
  return Object.hasOwn(SERVER_REQUEST_SCHEMAS, method);
}

/** Narrows a notification by method (no validation). Never throws. */
export function decodeNotification(message: NotificationMessage): DecodedNotification {
  const { method, params } = message;
  if (typeof method === 'string' && isServerNotificationMethod(method)) {
    return { kind: 'known', method, params } as KnownServerNotification;
  }
  return { kind: 'unknown', method: typeof method === 'string' ? method : '', params };
}

/** Narrows a server request by method (no validation). Never throws. */
export function decodeServerRequest(message: ServerRequestMessage): DecodedServerRequest {
  const { id, method, params } = message;
  if (
    typeof method === 'string' &&
    isServerRequestMethod(method) &&
    (typeof id === 'string' || typeof id === 'number')
  ) {
    return { kind: 'known', id, method, params } as KnownServerRequest;
  }
  return { kind: 'unknown', id: id ?? null, method: typeof method === 'string' ? method : '', params };
}
