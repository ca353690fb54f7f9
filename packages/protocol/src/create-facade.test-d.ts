import type { RequestOptions } from '@codexus/core';
import { describe, expectTypeOf, it } from 'vitest';
import { createFacade } from './create-facade.js';
import type { ClientFacade, FACADE_METHODS } from './generated/facade.js';
import type {
  ConfigReadParams,
  ConfigReadResponse,
  GetAccountRateLimitsParams,
  LogoutAccountResponse,
  ThreadStartParams,
  ThreadStartResponse,
  TurnSteerParams,
  TurnSteerResponse,
} from './generated/types.js';

describe('facade types', () => {
  const facade = createFacade(async () => ({}));

  it('has one method per client request, typed from the maps', () => {
    expectTypeOf<keyof ClientFacade>().toEqualTypeOf<keyof typeof FACADE_METHODS>();
    expectTypeOf(facade.turnSteer).parameters.toEqualTypeOf<
      [params: TurnSteerParams, options?: RequestOptions]
    >();
    expectTypeOf(facade.turnSteer).returns.resolves.toEqualTypeOf<TurnSteerResponse>();
    expectTypeOf(facade.threadStart).returns.resolves.toEqualTypeOf<ThreadStartResponse>();
  });

  it('makes params optional when none are required, and drops them when there are none', () => {
    expectTypeOf(facade.threadStart).parameters.toEqualTypeOf<
      [params?: ThreadStartParams, options?: RequestOptions]
    >();
    expectTypeOf(facade.configRead).parameters.toEqualTypeOf<
      [params?: ConfigReadParams, options?: RequestOptions]
    >();
    expectTypeOf(facade.configRead).returns.resolves.toEqualTypeOf<ConfigReadResponse>();
    expectTypeOf(facade.accountLogout).parameters.toEqualTypeOf<[options?: RequestOptions]>();
    expectTypeOf(facade.accountLogout).returns.resolves.toEqualTypeOf<LogoutAccountResponse>();
    expectTypeOf(facade.accountRateLimitsRead).parameters.toEqualTypeOf<
      [params?: GetAccountRateLimitsParams | null, options?: RequestOptions]
    >();
  });

  it('rejects wrong params at compile time', () => {
    // @ts-expect-error turn/steer needs threadId, input and expectedTurnId
    void facade.turnSteer({ threadId: 't' });
    // @ts-expect-error sandbox params are kebab-case
    void facade.threadStart({ sandbox: 'readOnly' });
  });

  it('accepts the untyped request function of a connection and a typed one', () => {
    const connectionRequest = async <R = unknown>(
      _m: string,
      _p?: unknown,
      _o?: RequestOptions,
    ): Promise<R> => undefined as R;
    expectTypeOf(createFacade(connectionRequest)).toEqualTypeOf<ClientFacade>();
  });
});
