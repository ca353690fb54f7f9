import { createCodexTransport, type Transport } from '@codexus/core';
import { Client, type ClientConfig } from '@codexus/runtime';
import {
  type CodexHomeOptions,
  type ScriptedHarness,
  startScriptedHarness,
  useSharedHarness,
} from '@codexus/testkit';
import type { SpanContext } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type TelemetryOptions, withTelemetry } from '../src/index.js';

export interface TelemetryHarness extends ScriptedHarness<Client> {
  spans: InMemorySpanExporter;
  tracerProvider: BasicTracerProvider;
  metricReader: PeriodicExportingMetricReader;
  /** Every line codexus wrote to codex's stdin, as codex received it (after the telemetry layer). */
  sent: string[];
}

export interface TelemetryHarnessOptions {
  home?: Partial<Omit<CodexHomeOptions, 'modelUrl'>>;
  telemetry?: Omit<TelemetryOptions, 'tracer' | 'meter'>;
  /** More client config (tools, approval handler, ...). */
  client?: Partial<ClientConfig>;
  /** Another exporter next to the in-memory one (e.g. OTLP/HTTP). */
  exporter?: SpanExporter;
}

/** An SDK tracer and meter that record in memory, for tests that connect on their own. */
export interface Recording {
  spans: InMemorySpanExporter;
  tracerProvider: BasicTracerProvider;
  metricReader: PeriodicExportingMetricReader;
  /** `tracer` and `meter` options for `withTelemetry` (more options merged in). */
  options(more?: Omit<TelemetryOptions, 'tracer' | 'meter'>): TelemetryOptions;
  shutdown(): Promise<void>;
}

/** A recording tracer provider (plus `exporter`, e.g. OTLP/HTTP) and a meter provider read on demand. */
export function startRecording(exporter?: SpanExporter): Recording {
  const spans = new InMemorySpanExporter();
  const processors = [new SimpleSpanProcessor(spans)];
  if (exporter) processors.push(new SimpleSpanProcessor(exporter));
  const tracerProvider = new BasicTracerProvider({ spanProcessors: processors });
  const metricReader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [metricReader] });
  return {
    spans,
    tracerProvider,
    metricReader,
    options: (more = {}) => ({
      ...more,
      tracer: tracerProvider.getTracer('test'),
      meter: meterProvider.getMeter('test'),
    }),
    shutdown: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

export async function startTelemetryHarness(
  options: TelemetryHarnessOptions = {},
): Promise<TelemetryHarness> {
  const recording = startRecording(options.exporter);
  const { spans, tracerProvider, metricReader } = recording;
  const sent: string[] = [];
  const h = await startScriptedHarness({
    home: options.home,
    connect: (home) => {
      const process = { codexHome: home.path, env: home.env };
      const recordingTransport = (): Transport => {
        const inner = createCodexTransport(process);
        return {
          kind: inner.kind,
          start: (sink) => inner.start(sink),
          send: (text) => {
            sent.push(text);
            return inner.send(text);
          },
          close: () => inner.close(),
        };
      };
      return Client.connect(
        withTelemetry(
          { ...options.client, ...process, transport: recordingTransport },
          recording.options(options.telemetry),
        ),
      );
    },
  });
  const close = h.close.bind(h);
  return Object.assign(h, {
    spans,
    tracerProvider,
    metricReader,
    sent,
    close: async () => {
      await close();
      await recording.shutdown();
    },
  });
}

/**
 * {@link startTelemetryHarness} shared by the tests of the enclosing `describe`; its handle reads the
 * started harness (the testkit's `useSharedHarness` for the model, home, workspace and client).
 */
export function useTelemetryHarness(options: TelemetryHarnessOptions = {}): TelemetryHarness {
  let current: TelemetryHarness | undefined;
  const shared = useSharedHarness({ beforeAll, afterAll, beforeEach }, async () => {
    current = await startTelemetryHarness(options);
    return current;
  });
  const started = (): TelemetryHarness => {
    if (!current) throw new Error('useTelemetryHarness: read before its beforeAll ran');
    return current;
  };
  const read = <K extends keyof TelemetryHarness>(key: K) => ({ get: () => started()[key] });
  return Object.defineProperties(shared, {
    spans: read('spans'),
    tracerProvider: read('tracerProvider'),
    metricReader: read('metricReader'),
    sent: read('sent'),
  }) as TelemetryHarness;
}

const isParent = (parent: ReadableSpan, child: ReadableSpan): boolean => {
  const p: SpanContext | undefined = child.parentSpanContext;
  return p?.spanId === parent.spanContext().spanId && p.traceId === parent.spanContext().traceId;
};

/** The spans under `root` as an indented outline of names (the shape docs/observability.md shows). */
export function spanTree(spans: readonly ReadableSpan[], root: ReadableSpan, depth = 0): string[] {
  const lines = [`${'  '.repeat(depth)}${root.name}`];
  const children = spans.filter((s) => isParent(root, s)).sort((a, b) => order(a) - order(b));
  for (const child of children) lines.push(...spanTree(spans, child, depth + 1));
  return lines;
}

function order(span: ReadableSpan): number {
  return span.startTime[0] * 1e9 + span.startTime[1];
}

/** The finished spans of one turn: its `invoke_agent` span, found by conversation id. */
export function turnSpans(spans: readonly ReadableSpan[], threadId: string): ReadableSpan[] {
  return spans.filter(
    (s) => s.name.startsWith('invoke_agent') && s.attributes['gen_ai.conversation.id'] === threadId,
  );
}
