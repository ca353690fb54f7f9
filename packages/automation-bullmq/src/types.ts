import type { Prompt, SessionConfig, TokenUsage, TurnError, TurnStatus } from '@codexus/runtime';
import type { RedisOptions } from 'ioredis';

/** Where Redis is: ioredis options (`{ host, port }`, `{ path }` for a unix socket, `password`, `tls`, ...). */
export type RedisConnection = RedisOptions;

/**
 * The part of a `SessionConfig` that can live in Redis (JSON): no functions, so no
 * `approvalHandler` and no `hooks` (give the worker's `Client` those instead).
 */
export type DurableSessionConfig = Omit<SessionConfig, 'approvalHandler' | 'hooks'>;

/** A schedule, as given to `defineSchedule`. Exactly one of `every` and `cron`. */
export interface ScheduleSpec {
  /** Identifies the schedule in Redis; defining the same id again updates it (never duplicates it). */
  id: string;
  /** The cadence in ms (a positive integer). */
  every?: number;
  /** A cron pattern (BullMQ's, seconds optional), instead of `every`. */
  cron?: string;
  /** The time zone of `cron`. */
  tz?: string;
  /** The prompt of every run (text, or input items as JSON). */
  prompt: Prompt;
  /** The thread of the schedule: started on the first run, resumed afterwards. */
  session: DurableSessionConfig;
  /** A JSON Schema the final message must follow; the run record then holds the parsed `output`. */
  output?: Record<string, unknown>;
  /** The schedule completes after this many runs (an integer >= 1; collapsed ticks do not count). */
  maxRuns?: number;
  /** The first tick; default: now. */
  startAt?: Date;
}

/** `active` (ticking), then one of the final states. */
export type ScheduleState = 'active' | 'completed' | 'failed' | 'removed';

/** A schedule as stored in Redis, with its next tick and its last run. */
export interface ScheduleInfo {
  id: string;
  state: ScheduleState;
  spec: StoredSpec;
  /** The thread the next run resumes (after the first run). */
  threadId?: string;
  /** Runs that reached a turn (collapsed ticks excluded). */
  runs: number;
  /** The next tick (while `active`). */
  nextRunAt?: Date;
  lastRun?: RunRecord;
  /** Why the schedule stopped, when it `failed`. */
  lastError?: RunError;
}

/** The JSON form of a spec kept in Redis (`startAt` as epoch ms). */
export type StoredSpec = Omit<ScheduleSpec, 'startAt'> & { startAt?: number };

/**
 * What happened to one tick. `ran`: a turn ran and finished (see `status`); `collapsed`: another run
 * of the schedule was in flight, the tick was folded into the next run; `recovered`: the worker
 * running it was lost after the turn finished, the result was read back from the thread; `rerun`:
 * the worker was lost mid-turn, the turn was run again (see `recovery`); `abandoned`: lost again
 * after its one re-run, the schedule was gone, or codex stayed unavailable through every retry
 * (see `retries`; the schedule goes on); `failed`: the turn failed (a terminal error: the schedule
 * stops).
 */
export type RunOutcome = 'ran' | 'collapsed' | 'recovered' | 'rerun' | 'abandoned' | 'failed';

/** `intent` (claimed, no turn yet), `started` (a turn id is known), `finished` (final). */
export type RunPhase = 'intent' | 'started' | 'finished';

/** One turn a run started (a run has two when its first worker was lost mid-turn). */
export interface RunAttempt {
  worker: string;
  threadId?: string;
  turnId?: string;
  startedAt: number;
  /** `finished`, or `lost` (the worker went away before it recorded the end). */
  end?: 'finished' | 'lost';
}

/** One transient failure of a tick, retried (see `RunRecord.retries`). */
export interface RunRetry {
  at: number;
  worker: string;
  error: RunError;
}

export interface RunError {
  code: string;
  message: string;
}

/** The ledger entry of one tick, readable by any process (`getRuns`). Times in epoch ms. */
export interface RunRecord {
  /** The BullMQ job id of the tick. */
  id: string;
  scheduleId: string;
  phase: RunPhase;
  outcome?: RunOutcome;
  /** When the tick was due. */
  tickAt: number;
  createdAt: number;
  finishedAt?: number;
  attempts: RunAttempt[];
  threadId?: string;
  turnId?: string;
  status?: TurnStatus;
  text?: string;
  /** The parsed final message, when the schedule has an `output` schema and the text is JSON. */
  output?: unknown;
  usage?: TokenUsage;
  turnError?: TurnError;
  error?: RunError;
  /** A new thread replaced the schedule's thread (it could not be resumed here), and why. */
  threadChange?: { from: string; to: string; reason: string };
  /**
   * Transient failures of this tick (codex died, the connection closed, the pool had no endpoint
   * up or no room), each retried with backoff: when, on which worker, and the error.
   */
  retries?: RunRetry[];
  /** How a lost run was reconciled. */
  recovery?: { reason: string; action: 'recordedFromThread' | 'rerun' | 'abandoned' };
  /** For `collapsed`: the run that was in flight. */
  collapsedInto?: string;
}

/** What the ledger publishes (`DurableAutomation.events()`), in order, to every process. */
export type DurableEvent =
  | {
      type: 'runStarted';
      scheduleId: string;
      runId: string;
      worker: string;
      threadId: string;
      turnId: string;
    }
  | { type: 'runFinished'; scheduleId: string; runId: string; run: RunRecord }
  | { type: 'scheduleStopped'; scheduleId: string; state: ScheduleState; error?: RunError }
  /** A worker stopped taking ticks: its codex is unavailable (`reason`); it resumes once healthy. */
  | { type: 'workerPaused'; worker: string; reason: string }
  /** A paused worker's codex is healthy again (reconnected, or a new one from `clientFactory`). */
  | { type: 'workerResumed'; worker: string }
  /** A worker gave up: its `client` is closed for good and it has no `clientFactory`. */
  | { type: 'workerClosed'; worker: string; error: RunError };
