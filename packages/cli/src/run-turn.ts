import { CodexusError } from '@codexus/core';
import {
  type AskOptions,
  type Prompt,
  PromptRunError,
  type PromptRunResult,
  type Session,
} from '@codexus/runtime';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { type CliJsonEvent, jsonEvent, toJsonEvent } from './json-events.js';
import type { TurnRenderer } from './turn-renderer.js';

/** How a turn is shown: `--json` lines, or the human renderer. */
export type TurnOutput =
  | { kind: 'json'; emit: (event: CliJsonEvent) => void }
  | { kind: 'human'; renderer: TurnRenderer };

export interface TurnOutcome {
  exitCode: ExitCode;
  status: 'completed' | 'interrupted' | 'failed';
  result?: PromptRunResult;
  error?: unknown;
}

/** Runs one turn of `session`, shows its events as they come, and reports how it ended. */
export async function streamTurn(
  session: Session,
  prompt: Prompt,
  options: AskOptions,
  output: TurnOutput,
): Promise<TurnOutcome> {
  const stream = session.askStream(prompt, options);
  for await (const event of stream) {
    if (output.kind === 'json') {
      const line = toJsonEvent(event);
      if (line) output.emit(line);
    } else output.renderer.event(event);
  }
  const outcome = await stream.result.then(
    (result): TurnOutcome => ({ exitCode: exitFor(result.status), status: result.status, result }),
    (error: unknown): TurnOutcome => {
      const partial = PromptRunError.isInstance(error) ? error.partial : undefined;
      const aborted = CodexusError.isInstance(error) && error.code === 'ABORTED';
      return {
        exitCode: aborted ? EXIT_CODES.interrupted : EXIT_CODES.failed,
        status: aborted ? 'interrupted' : 'failed',
        ...(partial ? { result: partial } : {}),
        error,
      };
    },
  );
  report(outcome, output);
  return outcome;
}

function exitFor(status: PromptRunResult['status']): ExitCode {
  if (status === 'completed') return EXIT_CODES.ok;
  return status === 'interrupted' ? EXIT_CODES.interrupted : EXIT_CODES.failed;
}

function report(outcome: TurnOutcome, output: TurnOutput): void {
  const { result, error } = outcome;
  const message = errorMessage(outcome);
  if (output.kind === 'json') {
    output.emit(
      jsonEvent({
        type: 'result',
        status: outcome.status,
        exitCode: outcome.exitCode,
        text: result?.text ?? '',
        ...(result
          ? { threadId: result.threadId, turnId: result.turnId, durationMs: result.durationMs }
          : {}),
        ...(result?.usage ? { usage: result.usage } : {}),
        ...(message
          ? { error: { message, ...(CodexusError.isInstance(error) ? { code: error.code } : {}) } }
          : {}),
      }),
    );
    return;
  }
  const { renderer } = output;
  const { style } = renderer;
  renderer.spinner.stop();
  if (outcome.status === 'interrupted') renderer.note(style.yellow('turn interrupted'));
  else if (outcome.status === 'failed')
    renderer.note(style.red(`turn failed: ${message ?? 'unknown error'}`));
}

function errorMessage({ result, error }: TurnOutcome): string | undefined {
  if (error instanceof Error) return error.message;
  if (error !== undefined) return String(error);
  return result?.status === 'failed' ? result.error?.message : undefined;
}
