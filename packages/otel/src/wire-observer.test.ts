import type { Transport, TransportCloseInfo, TransportSink } from '@codexus/core';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { instrumentTransport } from './instrument-transport.js';

function setup() {
  const spans = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const sent: string[] = [];
  let sink: TransportSink | undefined;
  // A bare transport: what the client sends is kept as text; the "server" pushes lines synchronously.
  const bare: Transport = {
    kind: 'fake',
    start: async (s) => {
      sink = s;
    },
    send: async (text) => {
      sent.push(text);
    },
    close: async () => {},
  };
  const server = {
    send: (text: string) => sink?.message(text),
    close: (info: TransportCloseInfo) => sink?.closed(info),
  };
  const transport = instrumentTransport(bare, { tracer: provider.getTracer('unit') });
  return { spans, transport, server, received: [] as string[], sent };
}

describe('WireObserver through an instrumented transport (pure, in memory)', () => {
  it('passes garbage and unknown lines through untouched and never throws', async () => {
    const { transport, server, received, sent } = setup();
    await transport.start({
      message: (text) => received.push(text),
      dropped: () => {},
      closed: () => {},
    });
    for (const line of [
      'not json',
      '[]',
      '{"id":{}}',
      '{"method":7}',
      '{"method":"item/completed","params":null}',
    ])
      server.send(line);
    await transport.send('{"id":1,"method":"turn/start","params":null}');
    await transport.send('garbage out');
    expect(received).toHaveLength(5);
    expect(sent[1]).toBe('garbage out');
    expect(JSON.parse(sent[0]!).trace.traceparent).toMatch(/^00-/);
  });

  it('a turn still open when the connection closes ends in error (connection_closed)', async () => {
    const { spans, transport, server } = setup();
    let closed = false;
    await transport.start({ message: () => {}, dropped: () => {}, closed: () => (closed = true) });
    await transport.send('{"id":1,"method":"turn/start","params":{"threadId":"t1","input":[]}}');
    server.send('{"id":1,"result":{"turn":{"id":"u1","status":"inProgress"}}}');
    server.send(
      '{"method":"item/started","params":{"threadId":"t1","turnId":"u1","item":{"type":"commandExecution","id":"c1","command":"x"}}}',
    );
    server.close({ reason: 'server gone' });
    expect(closed).toBe(true);
    const finished = spans.getFinishedSpans();
    const turn = finished.find((s) => s.name === 'invoke_agent codex');
    const tool = finished.find((s) => s.name === 'execute_tool shell');
    expect(turn?.status.code).toBe(SpanStatusCode.ERROR);
    expect(turn?.attributes['error.type']).toBe('connection_closed');
    expect(tool?.attributes['error.type']).toBe('connection_closed');
  });

  it('a refused turn/start ends its span with the rpc error code', async () => {
    const { spans, transport, server } = setup();
    await transport.start({ message: () => {}, dropped: () => {}, closed: () => {} });
    await transport.send('{"id":4,"method":"turn/start","params":{"threadId":"t1","input":[]}}');
    server.send('{"id":4,"error":{"code":-32600,"message":"thread not found"}}');
    const turn = spans.getFinishedSpans().find((s) => s.name === 'invoke_agent codex');
    expect(turn?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'thread not found' });
    expect(turn?.attributes['error.type']).toBe('-32600');
  });
});
