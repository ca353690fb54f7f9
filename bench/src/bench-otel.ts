import { withTelemetry } from '@codexus/otel';
import { Client, type PromptRunResult, tool } from '@codexus/runtime';
import { functionCall, message, step } from '@codexus/testkit';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { type BenchContext, reps } from './context.js';
import { cpuMeter, cpuRows } from './cpu.js';
import { expectText, hermetic } from './hermetic.js';
import { latencyRow, type Row } from './report.js';
import { rotate, timed } from './stats.js';

/** An in-process tool without arguments (a Standard Schema that takes any object). */
const clock = tool({
  name: 'bench_clock',
  description: 'The time of day',
  input: {
    standard: {
      '~standard': {
        version: 1 as const,
        vendor: 'bench',
        validate: (value: unknown) => ({ value: value as Record<string, never> }),
      },
    },
    jsonSchema: { type: 'object', properties: {}, additionalProperties: false },
  },
  run: () => 'noon',
});

/** Fails the round when the turn did not call the tool and answer (a fast wrong turn is no result). */
function expectToolTurn(result: PromptRunResult, where: string): void {
  expectText(result.text, 'ok', where);
  const call = result.items.find((i) => i.type === 'dynamicToolCall') as { success?: boolean } | undefined;
  if (call?.success !== true) throw new Error(`${where}: the tool call failed (${JSON.stringify(call)})`);
}

/**
 * A warm turn that calls one in-process tool (`item/tool/call` answered by the client), then
 * answers, with `@codexus/otel` on vs off, each on its own warm codex and session of the same
 * hermetic home. An in-process tool, not a command: a command's shell start varies by hundreds of
 * ms per turn on a loaded machine, far more than the 2 % budget measured here. The instrumented
 * side records everything an application with the SDK would: every span exported to memory
 * (SimpleSpanProcessor) and every metric into a MeterProvider with an in-memory reader (collected
 * at the end and checked). Also reports the CPU per turn of this process and of codex (`cpu.ts`).
 */
export async function otel(ctx: BenchContext): Promise<Row[]> {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const sdk = {
    AggregationTemporality,
    InMemoryMetricExporter,
    MeterProvider,
    PeriodicExportingMetricReader,
  };
  const reader = new sdk.PeriodicExportingMetricReader({
    exporter: new sdk.InMemoryMetricExporter(sdk.AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new sdk.MeterProvider({ readers: [reader] });
  const h = await hermetic({
    connect: (home) =>
      Client.connect({ codexHome: home.path, env: home.env, codexBin: ctx.codexBin, tools: [clock] }),
  });
  const traced = await Client.connect(
    withTelemetry(
      { codexHome: h.home.path, env: h.home.env, codexBin: ctx.codexBin, tools: [clock] },
      { tracer: tracerProvider.getTracer('bench'), meter: meterProvider.getMeter('bench') },
    ),
  );
  try {
    const off = await h.client.startSession({ cwd: h.workspace.path });
    const on = await traced.startSession({ cwd: h.workspace.path });
    const rounds = reps(ctx, 150, 8);
    const warmup = 3;
    ctx.log(`otel: ${rounds} rounds`);
    let result: PromptRunResult | undefined;
    let ms = 0;
    /** The CPU each side's turns use adds up in its meter; the turn's wall time (ms) is the sample. */
    const asking = (session: typeof on) =>
      cpuMeter(async () => {
        ms = await timed(async () => {
          result = await session.ask('call it');
        });
      });
    const cpu = { on: asking(on), off: asking(off) };
    const turn = async (key: 'on' | 'off', where: string): Promise<number> => {
      h.model.enqueue(step(functionCall('bench_clock', {})), message('ok'));
      result = undefined;
      await cpu[key].run();
      expectToolTurn(result!, where);
      return ms;
    };
    const s = await rotate(rounds, warmup, {
      on: async () => {
        const took = await turn('on', 'instrumented turn');
        const names = exporter.getFinishedSpans().map((span) => span.name);
        exporter.reset();
        if (!names.includes('invoke_agent codex') || !names.includes('execute_tool bench_clock'))
          throw new Error(`otel: the instrumented turn recorded ${JSON.stringify(names)}`);
        return took;
      },
      off: () => turn('off', 'plain turn'),
    });
    const { resourceMetrics } = await reader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((m) => m.metrics);
    const turnsRecorded = metrics
      .filter((m) => m.descriptor.name === 'gen_ai.client.operation.duration')
      .flatMap((m) => m.dataPoints as readonly { value: unknown }[])
      .reduce((n, p) => n + ((p.value as { count?: number }).count ?? 0), 0);
    // one invoke_agent and one execute_tool record per instrumented turn
    if (turnsRecorded !== 2 * (rounds + warmup))
      throw new Error(`otel: expected ${2 * (rounds + warmup)} duration records, got ${turnsRecorded}`);
    return [
      latencyRow(
        'otel',
        'warm turn with one in-process tool call, @codexus/otel spans + metrics recorded, median',
        s,
        'on',
        { key: 'off', name: 'the same turn without instrumentation' },
        { op: '<=', value: 1.02 },
      ),
      // the instrumentation's own cost is CPU in this process (reading the lines, making spans)
      ...cpuRows(
        'otel',
        { name: '@codexus/otel on', totals: cpu.on.totals },
        { name: 'off', totals: cpu.off.totals },
      ),
    ];
  } finally {
    await traced.close();
    await h.close();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  }
}
