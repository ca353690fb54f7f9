import type { ServerNotification } from '@codexus/core';
import type {
  ThreadItem,
  ThreadListResponse,
  ThreadStartResponse,
  TurnStartResponse,
} from '@codexus/protocol';
import { describe, expectTypeOf, it } from 'vitest';
import type { Runtime, Session, SessionInfo, ThreadPage } from './index.js';

declare const runtime: Runtime;

describe('the typed peer: Runtime keyed by the generated method maps', () => {
  it('request: params and result come from the map; a wrong field or an unknown method does not compile', () => {
    expectTypeOf(runtime.request('thread/start', { cwd: '/w' })).toEqualTypeOf<
      Promise<ThreadStartResponse>
    >();
    expectTypeOf(runtime.request('turn/start', { threadId: 't', input: [] })).toEqualTypeOf<
      Promise<TurnStartResponse>
    >();
    // @ts-expect-error cwd is a string
    void runtime.request('thread/start', { cwd: 1 });
    // @ts-expect-error turn/start needs its params
    void runtime.request('turn/start');
    // @ts-expect-error not a client request of the generated protocol
    void runtime.request('thread/begin', {});
    // The escape hatch takes any name, untyped.
    expectTypeOf(runtime.requestUnchecked('x/any', { a: 1 })).toEqualTypeOf<Promise<unknown>>();
  });

  it('on, waitFor and events: params typed per method; "*" and unknown names stay untyped', () => {
    runtime.on('turn/completed', (n) => {
      expectTypeOf(n.params.turn.status).toEqualTypeOf<
        'completed' | 'interrupted' | 'failed' | 'inProgress'
      >();
    });
    runtime.on('item/completed', (n) => expectTypeOf(n.params.item).toEqualTypeOf<ThreadItem>());
    runtime.on('*', (n) => expectTypeOf(n).toEqualTypeOf<ServerNotification>());
    // @ts-expect-error a name the generated protocol does not have
    runtime.on('turn/finished', () => {});
    runtime.onUnchecked('x/newer', (n) => expectTypeOf(n.params).toEqualTypeOf<unknown>());
    expectTypeOf(runtime.waitFor('turn/started')).resolves.toHaveProperty('params').toHaveProperty('turn');
    const typed = runtime.events({ methods: ['item/agentMessage/delta'] });
    expectTypeOf<Awaited<ReturnType<typeof typed.next>>['value']>().toExtend<
      { params: { delta: string } } | undefined
    >();
    expectTypeOf(runtime.events()).toExtend<AsyncIterable<ServerNotification>>();
  });

  it('onServerRequest with a method types the params and the answer', () => {
    runtime.onServerRequest('item/tool/call', (request) => {
      expectTypeOf(request.params.tool).toEqualTypeOf<string>();
      // @ts-expect-error the answer of item/tool/call has contentItems and success
      void request.respond({ decision: 'accept' });
    });
  });

  it('Session.info and ThreadPage are the generated result types', () => {
    expectTypeOf<Session['info']>().toEqualTypeOf<SessionInfo>();
    expectTypeOf<ThreadStartResponse>().toExtend<SessionInfo>();
    expectTypeOf<ThreadPage>().toEqualTypeOf<ThreadListResponse>();
  });
});
