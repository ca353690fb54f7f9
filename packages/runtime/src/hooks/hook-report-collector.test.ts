import type { HookReport } from '@codexus/plugin';
import { describe, expect, it } from 'vitest';
import { HookReportCollector } from './hook-report-collector.js';

const report = (hook: string): HookReport => ({
  hook,
  phase: 'PostToolUse',
  outcome: 'observed',
  issues: [],
  durationMs: 1,
});

describe('HookReportCollector', () => {
  it('keeps reports in arrival order and waits for the tracked ones', async () => {
    const collector = new HookReportCollector();
    collector.add([report('pre')]);
    let finish!: (r: HookReport[]) => void;
    collector.track(new Promise((resolve) => (finish = resolve)));
    collector.track(Promise.reject(new Error('lost')));
    collector.add([report('later')]);
    expect(collector.reports.map((r) => r.hook)).toEqual(['pre', 'later']);
    const settled = collector.settled();
    finish([report('tool')]);
    expect((await settled).map((r) => r.hook)).toEqual(['pre', 'later', 'tool']);
  });

  it('settles at once with nothing tracked', async () => {
    await expect(new HookReportCollector().settled()).resolves.toEqual([]);
  });
});
