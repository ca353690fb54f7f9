import { AsyncLocalStorage } from 'node:async_hooks';
import { message } from '@codexus/testkit';
import { type Context, type ContextManager, context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spanTree, turnSpans, useTelemetryHarness } from './telemetry-harness.js';

/** The smallest AsyncLocalStorage context manager (what the Node SDK registers). */
class AlsContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

describe('spans join the caller’s active context', () => {
  const h = useTelemetryHarness();
  beforeAll(() => {
    context.setGlobalContextManager(new AlsContextManager());
  });
  afterAll(() => {
    context.disable();
  });

  it('thread/start and invoke_agent are children of the span active around startSession and ask', async () => {
    h.model.enqueue(message('ok'));
    const tracer = h.tracerProvider.getTracer('app');
    const parent = tracer.startSpan('handle request');
    const threadId = await context.with(trace.setSpan(ROOT_CONTEXT, parent), async () => {
      const session = await h.client.startSession({ cwd: h.workspace.path });
      await session.ask('hi');
      return session.threadId;
    });
    parent.end();
    const spans = h.spans.getFinishedSpans();
    expect(spanTree(spans, spans.find((s) => s.name === 'handle request')!)).toEqual([
      'handle request',
      '  thread/start',
      '  invoke_agent codex',
    ]);
    expect(turnSpans(spans, threadId)[0]?.spanContext().traceId).toBe(parent.spanContext().traceId);
  });
});
