import type { RequestOptions } from '@codexus/core';
import { type ClientFacade, FACADE_METHODS } from './generated/facade.js';
import type { ClientRequestMap, ClientRequestMethod } from './generated/methods.js';
import { validateParams, validateResult } from './validate.js';

/** Any request function: `connection.request.bind(connection)` fits, so does a typed one. */
export type RequestFunction = (method: string, params: unknown, options?: RequestOptions) => Promise<unknown>;

/** A request function typed by the method map. */
export type TypedRequestFunction = <M extends ClientRequestMethod>(
  method: M,
  params: ClientRequestMap[M]['params'],
  options?: RequestOptions,
) => Promise<ClientRequestMap[M]['result']>;

export interface FacadeOptions {
  /** Validate params strictly before sending (`validateParams`). Default `false`. */
  readonly validateParams?: boolean;
  /** Validate results loosely on arrival (`validateResult`). Default `false`. */
  readonly validateResults?: boolean;
}

type FacadeMethod = (first?: unknown, second?: unknown) => Promise<unknown>;

/**
 * Builds the generated {@link ClientFacade} (one camelCase method per client request) over any
 * `request(method, params, options)` function. Methods without params take only `options`;
 * methods whose params have no required field may be called without params (`{}` is sent).
 *
 * To give a class every method without wrappers, merge the interface and assign the facade:
 * `interface AppServer extends ClientFacade {}` + `Object.assign(this, createFacade(request))`.
 */
export function createFacade(
  request: RequestFunction | TypedRequestFunction,
  options: FacadeOptions = {},
): ClientFacade {
  const send = request as RequestFunction;
  const call = async (method: string, params: unknown, requestOptions: unknown): Promise<unknown> => {
    const checked = options.validateParams ? validateParams(method, params) : params;
    const result = await send(method, checked, requestOptions as RequestOptions | undefined);
    return options.validateResults ? validateResult(method, result) : result;
  };
  const facade: Record<string, FacadeMethod> = {};
  for (const [name, [method, mode]] of Object.entries(FACADE_METHODS)) {
    facade[name] =
      mode === 'none'
        ? (requestOptions) => call(method, undefined, requestOptions)
        : mode === 'empty'
          ? (params, requestOptions) => call(method, params ?? {}, requestOptions)
          : (params, requestOptions) => call(method, params, requestOptions);
  }
  return Object.freeze(facade) as unknown as ClientFacade;
}
