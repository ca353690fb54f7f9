import { message, shell, step } from '@codexus/testkit';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, otlpSpans, startOtlpReceiver } from './otlp-receiver.js';
import { startTelemetryHarness, type TelemetryHarness, turnSpans } from './telemetry-harness.js';

/** Resolves once `check` holds, polling every 20 ms; fails after `timeoutMs`. */
async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Ours are exported by the real `@opentelemetry/exporter-trace-otlp-http` (OTLP/JSON); codex exports
 * its own spans to the same receiver in the protocol its config names: `json` (OTLP/JSON) or
 * `binary` (OTLP/protobuf, `application/x-protobuf`), so the receiver reads both encodings.
 */
describe.each([
  { protocol: 'json', contentType: 'application/json' },
  { protocol: 'binary', contentType: 'application/x-protobuf' },
])(
  'export over OTLP/HTTP to a loopback receiver (ours, and codex’s own as $protocol)',
  ({ protocol, contentType }) => {
    let receiver: OtlpReceiver;
    let h: TelemetryHarness;

    beforeAll(async () => {
      receiver = await startOtlpReceiver();
      h = await startTelemetryHarness({
        exporter: new OTLPTraceExporter({ url: `${receiver.url}/v1/traces` }),
        // codex exports its own spans (service.name codex-app-server) to the same receiver
        home: {
          extraConfig: {
            otel: { trace_exporter: { 'otlp-http': { endpoint: `${receiver.url}/v1/traces`, protocol } } },
          },
        },
      });
    });
    afterAll(async () => {
      await h?.close();
      await receiver?.close();
    });

    it('the receiver gets our turn and tool spans, and codex’s turn/start span is a child of our turn span', async () => {
      h.model.enqueue(step(shell('echo hi', { login: false })), message('done'));
      const session = await h.client.startSession({ cwd: h.workspace.path });
      await session.ask('run it');
      await h.tracerProvider.forceFlush();
      const turn = turnSpans(h.spans.getFinishedSpans(), session.threadId)[0]!;
      const { traceId, spanId } = turn.spanContext();
      const ours = () => otlpSpans(receiver.requests).filter((s) => s.service !== 'codex-app-server');
      const agent = ours().find((s) => s.spanId === spanId);
      expect(agent).toMatchObject({
        name: 'invoke_agent codex',
        traceId,
        attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.conversation.id': session.threadId },
      });
      expect(ours().find((s) => s.parentSpanId === spanId)).toMatchObject({
        name: 'execute_tool shell',
        traceId,
        attributes: { 'gen_ai.tool.name': 'shell', 'process.exit.code': 0 },
      });

      // codex batches its spans and exports them when it exits: close the client (codex exits)
      await h.client.close();
      const codexTurnStart = () =>
        otlpSpans(receiver.requests).find(
          (s) => s.service === 'codex-app-server' && s.name === 'turn/start' && s.traceId === traceId,
        );
      await waitUntil(() => codexTurnStart() !== undefined, 'codex to export its turn/start span');
      expect(codexTurnStart()?.parentSpanId).toBe(spanId);
      // codex's bodies came in the encoding its config asked for
      const codexBodies = receiver.requests.filter((r) =>
        otlpSpans([r]).some((s) => s.service === 'codex-app-server'),
      );
      expect(codexBodies.length).toBeGreaterThan(0);
      for (const r of codexBodies)
        expect(String(r.headers['content-type'])).toMatch(new RegExp(`^${contentType}`));
      // and the rest of codex's turn (sampling, tool calls) hangs below it, in our trace
      const codexInTrace = otlpSpans(receiver.requests).filter(
        (s) => s.service === 'codex-app-server' && s.traceId === traceId,
      );
      expect(codexInTrace.map((s) => s.name)).toEqual(expect.arrayContaining(['turn/start', 'run_turn']));
      const ids = new Set(codexInTrace.map((s) => s.spanId));
      // every codex span of the trace hangs below ours: its parent is our turn span or another codex span
      for (const span of codexInTrace)
        expect(span.parentSpanId === spanId || ids.has(span.parentSpanId!)).toBe(true);
    });
  },
);
