import {
  APPROVAL_POLICIES,
  type ApprovalPolicy,
  REASONING_EFFORTS,
  type ReasoningEffort,
  SAFE_DEFAULTS,
  SANDBOX_MODES,
  type SandboxMode,
  type SessionConfig,
} from '@codexus/runtime';
import { type Command, Option } from 'commander';
import { usageError } from './exit-codes.js';
import { existingDirectory } from './global-options.js';

/** The default per-turn timeout of `run` and `chat`, in seconds (approval prompts included). */
export const DEFAULT_TIMEOUT_SECONDS = 30 * 60;

/** The session flags of `run` and `chat`. */
export interface SessionFlags {
  cwd?: string;
  sandbox: SandboxMode;
  approval: ApprovalPolicy;
  model?: string;
  effort: ReasoningEffort;
  privileged?: boolean;
  /** Per-turn timeout in seconds (a string from the command line). */
  timeout?: string | number;
}

/** Declares the session flags, with codexus's safe defaults. */
export function addSessionOptions(command: Command): Command {
  return command
    .option('--cwd <dir>', 'directory the session runs in (default: the current directory)')
    .addOption(
      new Option('--sandbox <mode>', 'sandbox of the commands codex runs')
        .choices(SANDBOX_MODES)
        .default(SAFE_DEFAULTS.sandbox),
    )
    .addOption(
      new Option('--approval <policy>', 'when codex asks before running a command')
        .choices(APPROVAL_POLICIES)
        .default(SAFE_DEFAULTS.approval),
    )
    .option('--model <name>', 'the model (default: codex config)')
    .addOption(
      new Option('--effort <level>', 'reasoning effort')
        .choices(REASONING_EFFORTS)
        .default(SAFE_DEFAULTS.effort),
    )
    .option('--privileged', 'allow --sandbox danger-full-access')
    .option(
      '--timeout <seconds>',
      'cut a turn off after this many seconds, approval prompts included',
      String(DEFAULT_TIMEOUT_SECONDS),
    );
}

/** The session config of the flags (the cwd checked to be a directory). */
export function sessionConfig(flags: SessionFlags): SessionConfig {
  return {
    cwd: existingDirectory(flags.cwd ?? '.', '--cwd'),
    sandbox: flags.sandbox,
    approval: flags.approval,
    effort: flags.effort,
    turnTimeoutMs: timeoutMs(flags.timeout),
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    ...(flags.privileged ? { privileged: true } : {}),
  };
}

/** The `--timeout` seconds in ms, or a usage error when it is not a positive number. */
export function timeoutMs(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  const text = String(value).trim();
  const seconds = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw usageError(`--timeout ${text}: not a positive number of seconds`, {
      flag: '--timeout',
      value: text,
    });
  }
  return Math.round(seconds * 1000);
}
