import type { RequestOptions, ServerNotification, ServerRequest } from '@codexus/core';
import type {
  ClientRequestMap,
  ClientRequestMethod,
  ServerNotificationMap,
  ServerNotificationMethod,
  ServerRequestMap,
  ServerRequestMethod,
} from '@codexus/protocol';

/**
 * The types of the typed peer: requests, notifications and server requests keyed by the generated
 * method maps of `@codexus/protocol`, so a wire rename is a compile error after `codegen generate`.
 */

/** Params are optional for methods whose params may be omitted. */
export type ParamsArgs<P> = undefined extends P
  ? [params?: P, options?: RequestOptions]
  : [params: P, options?: RequestOptions];

/** A notification's params argument: optional when its params may be omitted. */
export type NotifyArgs<P> = undefined extends P ? [params?: P] : [params: P];

/** The params of client request `M`. */
export type RequestParams<M extends ClientRequestMethod> = ClientRequestMap[M]['params'];

/** The result of client request `M`. */
export type RequestResult<M extends ClientRequestMethod> = ClientRequestMap[M]['result'];

/** A server notification of method `M`, its params typed by the generated map. */
export type NotificationOf<M extends ServerNotificationMethod> = ServerNotification & {
  method: M;
  params: ServerNotificationMap[M]['params'];
};

/** A server request of method `M`, its params typed by the generated map. */
export type ServerRequestOf<M extends ServerRequestMethod> = Omit<
  ServerRequest,
  'method' | 'params' | 'respond'
> & {
  method: M;
  params: ServerRequestMap[M]['params'];
  respond(result: ServerRequestMap[M]['result']): Promise<void>;
};

/** Where typed notifications are listened to: one method or all (`'*'`, untyped: newer servers send more). */
export type NotificationListener<M extends ServerNotificationMethod | '*'> =
  M extends ServerNotificationMethod
    ? (notification: NotificationOf<M>) => void
    : (notification: ServerNotification) => void;

/** What a typed event stream yields: the listed methods' notifications, or every notification. */
export type EventOf<M extends ServerNotificationMethod | undefined> = M extends ServerNotificationMethod
  ? NotificationOf<M>
  : ServerNotification;
