export { DurableAutomation, type DurableAutomationOptions } from './durable-automation.js';
export type {
  DurableEvent,
  DurableSessionConfig,
  RedisConnection,
  RunAttempt,
  RunError,
  RunOutcome,
  RunPhase,
  RunRecord,
  RunRetry,
  ScheduleInfo,
  ScheduleSpec,
  ScheduleState,
  StoredSpec,
} from './types.js';
export { type DurableWorker, type StartWorkerOptions, startWorker, type WorkerClient } from './worker.js';
