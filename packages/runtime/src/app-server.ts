import type {
  RequestId,
  RequestOptions,
  ServerNotification,
  ServerRequest,
  Subscription,
} from '@codexus/core';
import {
  assertMethodSupported,
  type ClientFacade,
  type ClientNotificationMap,
  type ClientNotificationMethod,
  type ClientRequestMap,
  type ClientRequestMethod,
  CODEX_PROTOCOL_VERSION,
  checkPayload,
  createFacade,
  type MethodSupport,
  methodSupport,
  type RequestFunction,
  type ServerNotificationMap,
  type ServerNotificationMethod,
  validateParams,
} from '@codexus/protocol';
import { Runtime, type RuntimeConfig } from './runtime.js';
import type { NotificationOf, ParamsArgs } from './typed-peer.js';
import type { WaitForOptions } from './wait-for.js';

export interface AppServerOptions {
  /**
   * Results are checked loosely on arrival (unknown fields kept). `false` (default): a result that
   * misses a field or has a wrong type is still returned, and the issues are reported once per
   * method as a warning on the runtime's logger; `true`: such a result rejects with
   * `VALIDATION_FAILED`.
   */
  validateResults?: boolean;
}

export interface AppServerConfig extends RuntimeConfig, AppServerOptions {}

// The generated facade: one camelCase method per client request (`threadStart`, `turnSteer`, ...).
export interface AppServer extends ClientFacade {}

/**
 * Layer 5: typed requests by the generated method maps. `request` validates params strictly before
 * sending and enforces, locally and before anything is sent, the experimental gate
 * (`EXPERIMENTAL_API_REQUIRED`) and the connected version's method list (`METHOD_UNSUPPORTED`, see
 * `methodSupport`); `requestUnchecked` is the raw escape hatch (the server answers
 * for itself).
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the facade's methods are assigned in the constructor.
export class AppServer implements AsyncDisposable {
  /** Methods whose mismatching results were already reported (once each). */
  private readonly reported = new Set<string>();

  private constructor(
    readonly runtime: Runtime,
    private readonly options: AppServerOptions = {},
  ) {
    const send: RequestFunction = (method, params, requestOptions) =>
      this.requestChecked(method, params, requestOptions);
    Object.assign(this, createFacade(send));
  }

  /** Spawns codex (or uses the configured transport) and runs the handshake. */
  static async connect(config: AppServerConfig = {}): Promise<AppServer> {
    return new AppServer(await Runtime.start(config), config);
  }

  /** Typed access over an existing runtime (e.g. `client.runtime`). */
  static over(runtime: Runtime, options: AppServerOptions = {}): AppServer {
    return new AppServer(runtime, options);
  }

  /** A typed request: params validated strictly first, experimental gate checked locally. */
  request<M extends ClientRequestMethod>(
    method: M,
    ...[params, options]: ParamsArgs<ClientRequestMap[M]['params']>
  ): Promise<ClientRequestMap[M]['result']> {
    return this.requestChecked(method, params, options) as Promise<ClientRequestMap[M]['result']>;
  }

  /**
   * Does the connected codex have `method`? From the recorded method lists of the supported range
   * (`yes`, `no` or `unknown` with the reason); `request`/`notify` refuse only a `no`.
   */
  methodSupport(method: string): MethodSupport {
    return methodSupport(method, this.runtime.server.codexVersion);
  }

  /** The raw escape hatch: no validation, no local gate. */
  requestUnchecked<R = unknown>(method: string, params?: unknown, options?: RequestOptions): Promise<R> {
    return this.runtime.requestUnchecked<R>(method, params, options);
  }

  /** A typed client notification (validated). */
  async notify<M extends ClientNotificationMethod>(
    method: M,
    params?: ClientNotificationMap[M]['params'],
  ): Promise<void> {
    assertMethodSupported(method, this.runtime.server.codexVersion, 'clientNotification');
    const checked = validateParams(method, params, { experimentalApi: this.runtime.server.experimentalApi });
    await this.runtime.notifyUnchecked(method, checked);
  }

  notifyUnchecked(method: string, params?: unknown): Promise<void> {
    return this.runtime.notifyUnchecked(method, params);
  }

  /** Listen to one server notification, typed by the generated map. */
  on<M extends ServerNotificationMethod>(
    method: M,
    listener: (params: ServerNotificationMap[M]['params'], notification: ServerNotification) => void,
  ): Subscription {
    // The one cast: a notification of `method` carries `method`'s params.
    return this.runtime.onUnchecked(method, (n) => listener((n as NotificationOf<M>).params, n));
  }

  /**
   * The params of the first `method` notification (after the call) that `predicate` accepts, typed
   * by the generated map. Bounded: `REQUEST_TIMEOUT` after `timeoutMs` (default 120 s), `ABORTED`
   * on the signal, `CONNECTION_CLOSED` when the runtime closes.
   */
  async waitFor<M extends ServerNotificationMethod>(
    method: M,
    predicate?: (params: ServerNotificationMap[M]['params']) => boolean,
    options?: WaitForOptions,
  ): Promise<ServerNotificationMap[M]['params']> {
    const notification = await this.runtime.waitFor(
      method,
      predicate && ((n) => predicate(n.params)),
      options,
    );
    return notification.params;
  }

  /** Server requests waiting for an answer (never auto-answered). */
  serverRequests(): AsyncIterable<ServerRequest> {
    return this.runtime.serverRequests();
  }

  respond(id: RequestId, result: unknown): Promise<void> {
    return this.runtime.connection.respond(id, result);
  }

  respondError(id: RequestId, error: { code: number; message: string; data?: unknown }): Promise<void> {
    return this.runtime.connection.respondError(id, error);
  }

  close(): Promise<void> {
    return this.runtime.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async requestChecked(method: string, params: unknown, options?: RequestOptions): Promise<unknown> {
    assertMethodSupported(method, this.runtime.server.codexVersion, 'clientRequest');
    const checked = validateParams(method, params, { experimentalApi: this.runtime.server.experimentalApi });
    const result = await this.runtime.requestUnchecked(method, checked, options);
    const check = checkPayload(method, 'result', result, { mode: 'loose' });
    if (check.ok) return check.value;
    if (this.options.validateResults) throw check.error;
    if (!this.reported.has(method)) {
      this.reported.add(method);
      this.runtime.logger.warn(`${method}: the result does not match the ${CODEX_PROTOCOL_VERSION} schema`, {
        codexVersion: this.runtime.server.codexVersion,
        issues: check.issues.slice(0, 10),
      });
    }
    return result;
  }
}
