import { CodexusError } from '@codexus/core';
import {
  type AskOptions,
  type Prompt,
  PromptRunError,
  type PromptRunResult,
  type Session,
} from '@codexus/runtime';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { toJsonEvent } from './json-events.js';
import { type JsonOutput, outcomeMessage, type RunOutcome } from './json-output.js';
import type { TurnRenderer } from './turn-renderer.js';

/** How a turn is shown: `--json` lines, or the human renderer. */
export type TurnOutput = { kind: 'json'; json: JsonOutput } | { kind: 'human'; renderer: TurnRenderer };

export type TurnOutcome = RunOutcome;

/**
 * Runs one turn of `session`, shows its events as they come, and reports how it ended (with
 * `--json`: the `result` line). Never throws: a turn that cannot start is a failed outcome.
 */
export async function streamTurn(
  session: Session,
  prompt: Prompt,
  options: AskOptions,
  output: TurnOutput,
): Promise<TurnOutcome> {
  let outcome: TurnOutcome;
  try {
    const stream = session.askStream(prompt, options);
    for await (const event of stream) {
      if (output.kind === 'json') {
        const line = toJsonEvent(event);
        if (line) output.json.emit(line);
      } else output.renderer.event(event);
    }
    outcome = await stream.result.then(
      (result): TurnOutcome => ({ exitCode: exitFor(result.status), status: result.status, result }),
      failedOutcome,
    );
  } catch (error) {
    outcome = failedOutcome(error);
  }
  report(outcome, output);
  return outcome;
}

function failedOutcome(error: unknown): TurnOutcome {
  const partial = PromptRunError.isInstance(error) ? error.partial : undefined;
  const aborted = CodexusError.isInstance(error) && error.code === 'ABORTED';
  return {
    exitCode: aborted ? EXIT_CODES.interrupted : EXIT_CODES.failed,
    status: aborted ? 'interrupted' : 'failed',
    ...(partial ? { result: partial } : {}),
    error,
  };
}

function exitFor(status: PromptRunResult['status']): ExitCode {
  if (status === 'completed') return EXIT_CODES.ok;
  return status === 'interrupted' ? EXIT_CODES.interrupted : EXIT_CODES.failed;
}

function report(outcome: TurnOutcome, output: TurnOutput): void {
  if (output.kind === 'json') {
    output.json.finish(outcome);
    return;
  }
  const { renderer } = output;
  const { style } = renderer;
  renderer.spinner.stop();
  if (outcome.status === 'interrupted') renderer.note(style.yellow('turn interrupted'));
  else if (outcome.status === 'failed')
    renderer.note(style.red(`turn failed: ${outcomeMessage(outcome) ?? 'unknown error'}`));
}
