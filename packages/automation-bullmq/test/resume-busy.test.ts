import { Client } from '@codexus/runtime';
import { message, type ScriptedHarness, startScriptedHarness } from '@codexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/index.js';
import type { ScheduleRow } from '../src/internal/ledger.js';
import { openSession } from '../src/internal/run-turn.js';

/**
 * A run resumes the schedule's thread right after the previous run's session closed: codex 0.171
 * refuses `thread/resume` while it is still unloading the thread ("is closing; retry thread/resume
 * after the thread is closed"; about half the time when the resume follows the close at once), and
 * under load, a moment after that, answers "no rollout found" for the thread it can still read (about
 * 1 round in 20 with three busy loops). The run waits for both and stays on the thread instead of
 * moving the schedule to a new one.
 */
describe('openSession on a thread codex is still closing', () => {
  let h: ScriptedHarness<Client>;
  beforeAll(async () => {
    h = await startScriptedHarness({
      connect: (home) => Client.connect({ codexHome: home.path, env: home.env }),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('resumes the same thread, no threadChange', { timeout: 60_000 }, async () => {
    const cwd = h.workspace.path;
    for (let i = 0; i < 20; i++) {
      h.model.enqueue(message(`m${i}`));
      const first = await h.client.startSession({ cwd });
      await first.ask('hi');
      const closing = first.close(); // not awaited: the next run comes while codex unloads the thread
      const schedule: ScheduleRow = {
        spec: { id: 's', every: 1_000, prompt: 'p', session: { cwd } },
        state: 'active',
        threadId: first.threadId,
        runs: 1,
      };
      const run: RunRecord = {
        id: `r${i}`,
        scheduleId: 's',
        phase: 'intent',
        tickAt: 0,
        createdAt: 0,
        attempts: [],
      };
      const next = await openSession(h.client, schedule, run);
      await closing;
      expect(run.threadChange, `round ${i}`).toBeUndefined();
      expect(next.threadId).toBe(first.threadId);
      await next.close();
    }
  });
});
