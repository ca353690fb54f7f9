import type { RequestOptions } from '@codexus/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { TypedRequestFunction } from './create-facade.js';
import {
  type ClientNotificationMap,
  type ClientRequestMap,
  type ClientRequestMethod,
  ClientRequestMethods,
  type ServerNotificationMap,
  type ServerNotificationMethod,
  type ServerRequestMap,
  ServerRequestMethods,
} from './generated/methods.js';
import type {
  CommandExecutionRequestApprovalParams,
  CommandExecutionRequestApprovalResponse,
  GetAccountRateLimitsParams,
  ItemCompletedNotification,
  LogoutAccountResponse,
  ThreadStartParams,
  ThreadStartResponse,
  TurnSteerParams,
  TurnSteerResponse,
} from './generated/types.js';
import { getMethodSpec } from './method-spec.js';
import { validateParams, validateResult } from './validate.js';

describe('method-keyed maps', () => {
  it('map client requests to params and result', () => {
    expectTypeOf<ClientRequestMap['thread/start']>().toEqualTypeOf<{
      params: ThreadStartParams;
      result: ThreadStartResponse;
    }>();
    expectTypeOf<ClientRequestMap['turn/steer']['result']>().toEqualTypeOf<TurnSteerResponse>();
    expectTypeOf<ClientRequestMap['account/logout']>().toEqualTypeOf<{
      params: undefined;
      result: LogoutAccountResponse;
    }>();
    expectTypeOf<ClientRequestMap['account/rateLimits/read']['params']>().toEqualTypeOf<
      GetAccountRateLimitsParams | null | undefined
    >();
  });

  it('map server requests and notifications', () => {
    expectTypeOf<ServerRequestMap['item/commandExecution/requestApproval']>().toEqualTypeOf<{
      params: CommandExecutionRequestApprovalParams;
      result: CommandExecutionRequestApprovalResponse;
    }>();
    expectTypeOf<ServerNotificationMap['item/completed']>().toEqualTypeOf<{
      params: ItemCompletedNotification;
    }>();
    expectTypeOf<ClientNotificationMap['initialized']>().toEqualTypeOf<{ params: undefined }>();
    expectTypeOf<'item/completed'>().toExtend<ServerNotificationMethod>();
  });

  it('have literal method constants and closed method unions', () => {
    expectTypeOf(ClientRequestMethods.threadStart).toEqualTypeOf<'thread/start'>();
    expectTypeOf(ServerRequestMethods.itemToolCall).toEqualTypeOf<'item/tool/call'>();
    expectTypeOf<'turn/teleport'>().not.toExtend<ClientRequestMethod>();
    expectTypeOf<
      (typeof ClientRequestMethods)[keyof typeof ClientRequestMethods]
    >().toEqualTypeOf<ClientRequestMethod>();
  });

  it('let a typed request function infer params and result from the method', () => {
    const request = (() => Promise.reject(new Error('types only'))) as unknown as TypedRequestFunction;
    expectTypeOf(request<'thread/start'>)
      .parameter(1)
      .toEqualTypeOf<ThreadStartParams>();
    expectTypeOf(request<'turn/steer'>).returns.resolves.toEqualTypeOf<TurnSteerResponse>();
    expectTypeOf(request<'turn/steer'>)
      .parameter(2)
      .toEqualTypeOf<RequestOptions | undefined>();
  });

  it('type validators and specs by method literal', () => {
    expectTypeOf(validateParams('turn/steer', {})).toEqualTypeOf<TurnSteerParams>();
    expectTypeOf(validateResult('thread/start', {})).toEqualTypeOf<ThreadStartResponse>();
    expectTypeOf(validateParams('some/other' as string, {})).toBeUnknown();
    expectTypeOf(getMethodSpec('item/completed').result).toEqualTypeOf<undefined>();
    expectTypeOf(getMethodSpec('x' as string)).toEqualTypeOf<
      import('./method-spec.js').MethodSpec | undefined
    >();
  });
});
