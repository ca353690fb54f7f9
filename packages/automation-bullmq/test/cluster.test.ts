import { compareVersions } from '@codexus/core';
import {
  assistantTexts,
  type CodexHome,
  codexBinVersion,
  createCodexHome,
  createWorkspace,
  delayed,
  message,
  type ScriptedModel,
  startScriptedModel,
  type Workspace,
} from '@codexus/testkit';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurableAutomation, type RunRecord } from '../src/index.js';
import { until } from './helpers.js';
import { type RedisServer, redisAvailable, startRedis } from './redis-server.js';
import { spawnWorker, type WorkerProcess } from './worker-processes.js';

/**
 * codex before 0.165 refuses `thread/resume` in a second process while the first one still holds
 * the thread (`already has an active writer`; seen on 0.150 and 0.160): the schedule then moves to a
 * new thread and records why (docs/compatibility.md). From 0.165 every run stays on one thread.
 */
const resumesAcrossProcesses = compareVersions(codexBinVersion(), '0.165.0') >= 0;

/** How long the scripted model takes per turn (ms): longer than the 300 ms cadence, so ticks collapse. */
const TURN_MS = 500;
const LOCK_MS = 1_000;
const KILLS = 3;

describe.skipIf(!redisAvailable())(
  'durable automation: 3 worker processes, kill -9 mid-turn, a Redis restart',
  () => {
    let redis: RedisServer;
    let model: ScriptedModel;
    let home: CodexHome;
    let workspace: Workspace;
    /** When each model request arrived and what it was answered. */
    const answered: { at: number; text: string }[] = [];

    beforeAll(async () => {
      redis = await startRedis();
      model = await startScriptedModel();
      for (let i = 0; i < 400; i++) {
        model.enqueue(() => {
          const text = `r${answered.length}`;
          answered.push({ at: Date.now(), text });
          return delayed(TURN_MS, message(text));
        });
      }
      home = await createCodexHome({ modelUrl: model.url }); // shared by every worker: threads are reachable from all
      workspace = await createWorkspace();
    });
    afterAll(async () => {
      await model?.close();
      await home?.dispose();
      await workspace?.dispose();
      await redis?.[Symbol.asyncDispose]();
    });

    it('every tick is accounted for and the ledger matches what the model received', {
      timeout: 120_000,
    }, async () => {
      const name = 'cluster';
      let next = 0;
      const start = () =>
        spawnWorker({
          socketPath: redis.socketPath,
          name,
          id: `w${next++}`,
          codexHome: home.path,
          env: { ...home.env },
          lockDurationMs: LOCK_MS,
        });
      const workers = new Map<string, WorkerProcess>();
      // One after the other: two codex processes initialising one CODEX_HOME at once race on its
      // sqlite state on older codex (0.150; docs/compatibility.md).
      for (let i = 0; i < 3; i++) {
        const w = await start();
        workers.set(w.id, w);
      }
      await using durable = new DurableAutomation({ connection: redis.connection, name });
      try {
        await durable.defineSchedule({
          id: 'tick',
          every: 300,
          prompt: 'tick',
          session: { cwd: workspace.path },
        });
        const killed: string[] = [];
        for (let k = 0; k < KILLS; k++) {
          // A run whose turn reached the model (a request arrived after it started): kill its worker.
          const victim = await until(
            async () => {
              const run = (await durable.getRuns('tick', { limit: 5 })).find(
                (r) => r.phase === 'started' && r.attempts.length === 1 && !killed.includes(r.id),
              );
              const attempt = run?.attempts[0];
              if (!run || !attempt || !workers.has(attempt.worker)) return undefined;
              return answered.some((a) => a.at >= attempt.startedAt)
                ? { run, worker: attempt.worker }
                : undefined;
            },
            20_000,
            `a run in flight to kill (#${k + 1})`,
          );
          await workers.get(victim.worker)?.kill();
          workers.delete(victim.worker);
          killed.push(victim.run.id);
          const replacement = await start();
          workers.set(replacement.id, replacement);
          // Another worker finds the stalled tick and reconciles it.
          const reconciled = await until(
            async () => {
              const run = (await durable.getRuns('tick', { limit: 50 })).find((r) => r.id === victim.run.id);
              return run?.phase === 'finished' ? run : undefined;
            },
            30_000,
            `run ${victim.run.id} reconciled`,
          );
          expect(reconciled.recovery?.reason, JSON.stringify(reconciled)).toBeTruthy();
          if (k === 0) {
            await redis.restart(); // the schedule, the ledger and the queue survive it (AOF)
          }
        }
        // A few more ticks after the last recovery and the restart.
        const runsBefore = (await durable.getSchedule('tick'))?.runs ?? 0;
        await until(
          async () => ((await durable.getSchedule('tick'))?.runs ?? 0) >= runsBefore + 2,
          20_000,
          'runs after',
        );
        expect(await durable.removeSchedule('tick')).toBe(true);
        // Let every run in flight finish and record.
        await until(
          async () => (await durable.getRuns('tick', { limit: 1_000 })).every((r) => r.phase === 'finished'),
          20_000,
          'every run finished',
        );
        // A run is recorded finished before its job is acknowledged: let the last acks land, then read
        // the records and the queue, so both sides are read at rest.
        const queue = new Queue(`codexus-${name}`, { connection: { ...redis.connection } });
        await until(
          async () => (await queue.getJobCounts('active', 'waiting', 'delayed')).active === 0,
          20_000,
          'every job acknowledged',
        );
        const runs = (await durable.getRuns('tick', { limit: 1_000 })).reverse();
        await Promise.all([...workers.values()].map((w) => w.stop()));

        // Every tick BullMQ produced and processed has exactly one record, and vice versa.
        const completed = await queue.getJobs(['completed'], 0, -1);
        const failed = await queue.getJobs(['failed'], 0, -1);
        await queue.close();
        expect(failed.map((j) => `${j.id}: ${j.failedReason}`)).toEqual([]);
        expect(new Set(runs.map((r) => r.id))).toEqual(new Set(completed.map((j) => String(j.id))));

        // Every record is final and says what happened.
        const outcomes = new Map<string, number>();
        for (const r of runs) outcomes.set(r.outcome ?? 'none', (outcomes.get(r.outcome ?? 'none') ?? 0) + 1);
        for (const r of runs) {
          expect(['ran', 'collapsed', 'recovered', 'rerun', 'abandoned'], JSON.stringify(r)).toContain(
            r.outcome,
          );
          // The only tick that may be given up: a catch-up that arrived after removeSchedule.
          if (r.outcome === 'abandoned') expect(r.recovery?.reason).toBe('the schedule is removed');
          if (r.outcome === 'collapsed') expect(runs.map((x) => x.id)).toContain(r.collapsedInto);
        }
        // Each killed run was reconciled (re-run once, or read back from the thread), with a reason.
        for (const id of killed) {
          const r = runs.find((x) => x.id === id) as RunRecord;
          expect(['rerun', 'recovered'], JSON.stringify(r)).toContain(r.outcome);
          expect(r.attempts[0]?.end).toBe('lost');
          expect(r.recovery?.reason).toBeTruthy();
        }
        // ... and no other run was recovered (an abandoned tick, checked above, is not a recovery).
        const recoveredRuns = runs.filter((r) => r.recovery !== undefined && r.outcome !== 'abandoned');
        expect(
          recoveredRuns.map((r) => r.id).sort(),
          JSON.stringify(recoveredRuns.filter((r) => !killed.includes(r.id))),
        ).toEqual([...killed].sort());

        // The ledger matches the model: one request per attempt that started a turn; the texts recorded
        // are texts answered, one per run: a lost attempt's answer is recorded only when its turn had
        // completed (`recovered`), otherwise its run was re-run and records the re-run's answer.
        const attempts = runs.flatMap((r) => r.attempts);
        expect(attempts.length).toBe(answered.length);
        const recorded = runs
          .filter((r) => r.text !== undefined && r.outcome !== 'collapsed')
          .map((r) => r.text);
        expect(new Set(recorded).size).toBe(recorded.length); // none doubled
        const lost = attempts.filter((a) => a.end === 'lost').length;
        const recovered = runs.filter((r) => r.outcome === 'recovered').length;
        expect(recorded.length).toBe(answered.length - lost + recovered);
        for (const text of recorded) expect(answered.map((a) => a.text)).toContain(text);

        // One turn in flight per schedule: attempts never overlap (a lost one ends when the next starts).
        const sorted = runs
          .filter((r) => r.attempts.length > 0)
          .flatMap((r) =>
            r.attempts.map((a, i) => ({ a, end: i === r.attempts.length - 1 ? r.finishedAt : undefined })),
          )
          .sort((x, y) => x.a.startedAt - y.a.startedAt);
        for (let i = 1; i < sorted.length; i++) {
          const prev = sorted[i - 1]!;
          if (prev.end !== undefined) expect(sorted[i]!.a.startedAt).toBeGreaterThanOrEqual(prev.end);
        }
        // Thread continuity across workers (one shared CODEX_HOME): every run on the schedule's one thread.
        const changes = runs.filter((r) => r.threadChange).map((r) => r.threadChange);
        if (!resumesAcrossProcesses) {
          // Every change is recorded with codex's reason; the rest of the history is not checked.
          for (const change of changes) expect(change?.reason).toMatch(/already has an active writer/);
          return;
        }
        expect(changes, JSON.stringify(runs.filter((r) => r.threadChange))).toEqual([]);
        expect(new Set(runs.filter((r) => r.threadId).map((r) => r.threadId)).size).toBe(1);
        // ... and each turn saw the earlier ones, whichever worker ran them: the last request to the
        // model carries every earlier recorded answer, in order. (A killed attempt whose answer reached
        // its codex before the kill leaves that answer in the thread too: only those may be extra.)
        const byFinish = runs
          .filter((r) => r.text !== undefined && r.outcome !== 'collapsed')
          .sort((x, y) => x.finishedAt! - y.finishedAt!);
        const lastRequest = model.requests.at(-1)!;
        const seen = assistantTexts(lastRequest);
        const recordedSet = new Set(recorded);
        expect(seen.filter((t) => recordedSet.has(t))).toEqual(byFinish.slice(0, -1).map((r) => r.text));
        expect(seen.filter((t) => !recordedSet.has(t)).length).toBeLessThanOrEqual(lost - recovered);
        console.log(
          `cluster: ${runs.length} ticks ${JSON.stringify(Object.fromEntries(outcomes))}, ${answered.length} model requests`,
        );
      } finally {
        await Promise.all([...workers.values()].map((w) => w.kill()));
      }
    });
  },
);
