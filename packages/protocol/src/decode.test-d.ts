import type { ServerNotification, ServerRequest } from '@codexus/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { Equal } from '../test/type-equal.js';
import type {
  DecodedNotification,
  DecodedServerRequest,
  NotificationMessage,
  ServerRequestMessage,
} from './decode.js';
import type { ServerNotificationMethod, ServerRequestMethod } from './generated/methods.js';
import type {
  CommandExecutionRequestApprovalParams,
  CommandExecutionRequestApprovalResponse,
  ItemCompletedNotification,
  RequestId,
} from './generated/types.js';
import { encodeServerRequestResponse, validateNotification } from './validate.js';

describe('decoded unions', () => {
  it('narrow params by method once kind is known', () => {
    const n = {} as DecodedNotification;
    if (n.kind === 'known' && n.method === 'item/completed') {
      expectTypeOf<Equal<typeof n.params, ItemCompletedNotification>>().toEqualTypeOf<true>();
    }
    if (n.kind === 'unknown') {
      expectTypeOf(n.method).toEqualTypeOf<string>();
      expectTypeOf(n.params).toBeUnknown();
    }
    const r = {} as DecodedServerRequest;
    if (r.kind === 'known' && r.method === 'item/commandExecution/requestApproval') {
      expectTypeOf<Equal<typeof r.params, CommandExecutionRequestApprovalParams>>().toEqualTypeOf<true>();
      expectTypeOf(r.id).toEqualTypeOf<RequestId>();
    }
  });

  it('cover every method of each group', () => {
    expectTypeOf<
      Extract<DecodedNotification, { kind: 'known' }>['method']
    >().toEqualTypeOf<ServerNotificationMethod>();
    expectTypeOf<
      Extract<DecodedServerRequest, { kind: 'known' }>['method']
    >().toEqualTypeOf<ServerRequestMethod>();
    expectTypeOf(validateNotification).returns.toEqualTypeOf<DecodedNotification>();
  });

  it('type server request answers by method', () => {
    const answer = encodeServerRequestResponse('item/commandExecution/requestApproval', {
      decision: 'accept',
    });
    expectTypeOf<Equal<typeof answer, CommandExecutionRequestApprovalResponse>>().toEqualTypeOf<true>();
    // @ts-expect-error not a decision of the v2 command approval
    encodeServerRequestResponse('item/commandExecution/requestApproval', { decision: 'approved' });
  });
});

describe('compatibility with @codexus/core messages', () => {
  it('accepts the notification and server request objects the connection delivers', () => {
    expectTypeOf<ServerNotification>().toExtend<NotificationMessage>();
    expectTypeOf<ServerRequest>().toExtend<ServerRequestMessage>();
  });
});
