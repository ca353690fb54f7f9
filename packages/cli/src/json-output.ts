import { CodexusError } from '@codexus/core';
import type { PromptRunResult } from '@codexus/runtime';
import { EXIT_CODES, type ExitCode, exitCodeOf } from './exit-codes.js';
import { type CliJsonEvent, jsonEvent } from './json-events.js';

/** How a run ended, as its final `result` line reports it. */
export interface RunOutcome {
  exitCode: ExitCode;
  status: 'completed' | 'interrupted' | 'failed';
  /** The turn's result (a partial one when the turn failed after it started). */
  result?: PromptRunResult;
  error?: unknown;
}

/**
 * The `--json` lines of one `codexus run`: every line goes through here so that the run ends with
 * exactly one `result` line, whatever ends it (the turn, an error before the turn, Ctrl-C twice, a
 * signal, a usage error). Nothing is written after the `result` line.
 */
export class JsonOutput {
  private done = false;

  constructor(private readonly write: (line: string) => void) {}

  /** Whether the `result` line was written. */
  get finished(): boolean {
    return this.done;
  }

  /** Writes one event line (dropped after the `result` line; a `result` event finishes the output). */
  readonly emit = (event: CliJsonEvent): void => {
    if (this.done) return;
    if (event.type === 'result') this.done = true;
    this.write(`${JSON.stringify(event)}\n`);
  };

  /** Writes the `result` line of `outcome` (only the first call writes). */
  finish(outcome: RunOutcome): void {
    this.emit(resultEvent(outcome));
  }

  /** Writes the `result` line of an error that ended the run before the turn could report. */
  fail(error: unknown): void {
    const exitCode = exitCodeOf(error);
    this.finish({ exitCode, status: exitCode === EXIT_CODES.interrupted ? 'interrupted' : 'failed', error });
  }
}

/** The `result` line of an outcome. */
export function resultEvent(outcome: RunOutcome): CliJsonEvent {
  const { result, error } = outcome;
  const message = outcomeMessage(outcome);
  return jsonEvent({
    type: 'result',
    status: outcome.status,
    exitCode: outcome.exitCode,
    text: result?.text ?? '',
    ...(result ? { threadId: result.threadId, turnId: result.turnId, durationMs: result.durationMs } : {}),
    ...(result?.usage ? { usage: result.usage } : {}),
    ...(message
      ? { error: { message, ...(CodexusError.isInstance(error) ? { code: error.code } : {}) } }
      : {}),
  });
}

/** The error message of an outcome: the thrown error's, or the failed turn's. */
export function outcomeMessage({ result, error }: RunOutcome): string | undefined {
  if (error instanceof Error) return error.message;
  if (error !== undefined) return String(error);
  return result?.status === 'failed' ? result.error?.message : undefined;
}
