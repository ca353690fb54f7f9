import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from '@codexus/runtime';
import { message, shell, step } from '@codexus/testkit';
import { type Context, type ContextManager, context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTelemetry } from '../src/index.js';
import { spanTree, startRecording, turnSpans, useTelemetryHarness } from './telemetry-harness.js';

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

  it('connect codex (the handshake), thread/start and invoke_agent are siblings under the span active around Client.connect; execute_tool is under its turn', async () => {
    const recording = startRecording();
    h.model.enqueue(step(shell('echo parented', { login: false })), message('ok'));
    const parent = recording.tracerProvider.getTracer('app').startSpan('handle request');
    const threadId = await context.with(trace.setSpan(ROOT_CONTEXT, parent), async () => {
      const client = await Client.connect(
        withTelemetry({ codexHome: h.home.path, env: h.home.env }, recording.options()),
      );
      try {
        const session = await client.startSession({ cwd: h.workspace.path });
        expect((await session.ask('run it')).text).toBe('ok');
        return session.threadId;
      } finally {
        await client.close();
      }
    });
    parent.end();
    const spans = recording.spans.getFinishedSpans();
    await recording.shutdown();
    expect(spanTree(spans, spans.find((s) => s.name === 'handle request')!)).toEqual([
      'handle request',
      '  connect codex',
      '  thread/start',
      '  invoke_agent codex',
      '    execute_tool shell',
    ]);
    const connect = spans.find((s) => s.name === 'connect codex')!;
    // the connect span covers the handshake: it ends with the initialize answer, before thread/start
    expect(connect.attributes['codexus.server.version']).toEqual(expect.any(String));
    const threadStart = spans.find((s) => s.name === 'thread/start')!;
    expect(threadStart.attributes['gen_ai.conversation.id']).toBe(threadId);
    expect(toNs(connect.endTime)).toBeLessThanOrEqual(toNs(threadStart.startTime));
    for (const span of spans) expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
  });
});

const toNs = ([s, ns]: [number, number]): bigint => BigInt(s) * 1_000_000_000n + BigInt(ns);
