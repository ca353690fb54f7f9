import { CodexusError } from '@codexus/core';

/** The exit codes of every `codexus` command (documented in docs/cli.md). */
export const EXIT_CODES = {
  /** The command did what was asked (a turn completed, doctor found nothing blocking). */
  ok: 0,
  /** The turn failed, codex could not be started or answered with an error, or doctor found a blocking problem. */
  failed: 1,
  /** Bad usage: an unknown flag, a bad value, no prompt, an unreadable schema file, a missing `--cwd`. */
  usage: 2,
  /** Interrupted by Ctrl-C (or SIGINT/SIGTERM): the turn was interrupted and codex shut down. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** A usage error: a `CodexusError` with code `VALIDATION_FAILED` (exit code 2). */
export function usageError(message: string, data: Record<string, unknown> = {}): CodexusError {
  return new CodexusError('VALIDATION_FAILED', message, { data: { ...data, usage: true } });
}

/** The exit code for an error that ended a command. */
export function exitCodeOf(error: unknown): ExitCode {
  if (CodexusError.isInstance(error)) {
    if (error.code === 'VALIDATION_FAILED') return EXIT_CODES.usage;
    if (error.code === 'ABORTED') return EXIT_CODES.interrupted;
  }
  return EXIT_CODES.failed;
}
