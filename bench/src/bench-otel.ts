import { withTelemetry } from '@codexus/otel';
import { Client } from '@codexus/runtime';
import { message } from '@codexus/testkit';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { type BenchContext, reps } from './context.js';
import { expectText, hermetic } from './hermetic.js';
import { latencyRow, type Row } from './report.js';
import { interleave } from './stats.js';

/**
 * A warm one-message turn with `@codexus/otel` on (a recording SDK tracer: every span is exported to
 * memory) vs off, each on its own warm codex and session of the same hermetic home.
 */
export async function otel(ctx: BenchContext): Promise<Row[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const h = await hermetic({
    connect: (home) => Client.connect({ codexHome: home.path, env: home.env, codexBin: ctx.codexBin }),
  });
  const traced = await Client.connect(
    withTelemetry(
      { codexHome: h.home.path, env: h.home.env, codexBin: ctx.codexBin },
      { tracer: provider.getTracer('bench') },
    ),
  );
  try {
    const off = await h.client.startSession({ cwd: h.workspace.path });
    const on = await traced.startSession({ cwd: h.workspace.path });
    const rounds = reps(ctx, 60, 8);
    ctx.log(`otel: ${rounds} rounds`);
    let spans = 0;
    const s = await interleave(rounds, 3, {
      on: async () => {
        h.model.enqueue(message('ok'));
        expectText((await on.ask('hi')).text, 'ok', 'instrumented turn');
        spans += exporter.getFinishedSpans().length;
        exporter.reset();
      },
      off: async () => {
        h.model.enqueue(message('ok'));
        expectText((await off.ask('hi')).text, 'ok', 'plain turn');
      },
    });
    if (spans === 0) throw new Error('otel: the instrumented client recorded no spans');
    return [
      latencyRow(
        'otel',
        'warm one-message turn with @codexus/otel spans recorded, median',
        s,
        'on',
        { key: 'off', name: 'the same turn without instrumentation' },
        { op: '<=', value: 1.02 },
      ),
    ];
  } finally {
    await traced.close();
    await h.close();
    await provider.shutdown();
  }
}
