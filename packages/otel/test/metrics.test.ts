import { failure, message, shell, step } from '@codexus/testkit';
import type { Attributes } from '@opentelemetry/api';
import type { HistogramMetricData, MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { turnSpans, useTelemetryHarness } from './telemetry-harness.js';

/** One histogram data point's count and sum, found by its attributes (all of `match`, no more keys). */
function point(metric: MetricData | undefined, match: Attributes) {
  const histogram = metric as HistogramMetricData | undefined;
  const found = histogram?.dataPoints.filter(
    (p) =>
      Object.keys(p.attributes).length === Object.keys(match).length &&
      Object.entries(match).every(([k, v]) => p.attributes[k] === v),
  );
  expect(found, JSON.stringify(match)).toHaveLength(1);
  return found![0]!.value;
}

// Its own harness (its own meter provider): the figures are exactly what this test did.
describe('metrics of a turn with a command and of a failed turn (real codex, scripted model)', () => {
  const h = useTelemetryHarness();

  it('records operation duration, token usage and tool duration per turn and tool', async () => {
    h.model.enqueue(step(shell('echo metered', { login: false })), message('done'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    expect((await session.ask('run it')).status).toBe('completed');
    h.model.enqueue(failure('the model broke down'));
    expect(await session.ask('fail').catch((e: unknown) => e)).toBeInstanceOf(Error);

    const turns = turnSpans(h.spans.getFinishedSpans(), session.threadId);
    expect(turns).toHaveLength(2);
    const [ok, failed] = turns as [(typeof turns)[0], (typeof turns)[0]];
    const model = ok.attributes['gen_ai.request.model'];
    const errorType = failed.attributes['error.type'];
    expect(errorType).toEqual(expect.any(String));

    const { resourceMetrics } = await h.metricReader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const byName = (name: string) => metrics.find((m) => m.descriptor.name === name);
    const duration = byName('gen_ai.client.operation.duration');
    expect(duration?.descriptor.unit).toBe('s');
    const agent = {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': model,
    } as Attributes;
    expect(point(duration, agent).count).toBe(1);
    expect(point(duration, { ...agent, 'error.type': errorType }).count).toBe(1);
    const tool = {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.provider.name': 'openai',
      'gen_ai.tool.name': 'shell',
      'gen_ai.tool.type': 'extension',
    };
    expect(point(duration, tool).count).toBe(1);
    expect(point(byName('codexus.tool.call.duration'), tool).count).toBe(1);
    expect(byName('codexus.tool.call.duration')?.descriptor.unit).toBe('s');

    // token usage: one record per turn that reported usage, summing to the turn spans' attributes
    const tokens = byName('gen_ai.client.token.usage');
    expect(tokens?.descriptor.unit).toBe('{token}');
    for (const type of ['input', 'output'] as const) {
      const key = `gen_ai.usage.${type}_tokens`;
      const reported = turns.filter((t) => t.attributes[key] !== undefined);
      expect(reported).toContain(ok);
      const usage = tokens as HistogramMetricData;
      const records = usage.dataPoints.filter((p) => p.attributes['gen_ai.token.type'] === type);
      expect(records.reduce((n, p) => n + p.value.count, 0)).toBe(reported.length);
      expect(records.reduce((n, p) => n + (p.value.sum ?? 0), 0)).toBe(
        reported.reduce((n, t) => n + Number(t.attributes[key]), 0),
      );
    }
  });
});
