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
import { existingDirectory } from './global-options.js';

/** The session flags of `run` and `chat`. */
export interface SessionFlags {
  cwd?: string;
  sandbox: SandboxMode;
  approval: ApprovalPolicy;
  model?: string;
  effort: ReasoningEffort;
  privileged?: boolean;
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
    .option('--privileged', 'allow --sandbox danger-full-access');
}

/** The session config of the flags (the cwd checked to be a directory). */
export function sessionConfig(flags: SessionFlags): SessionConfig {
  return {
    cwd: existingDirectory(flags.cwd ?? '.', '--cwd'),
    sandbox: flags.sandbox,
    approval: flags.approval,
    effort: flags.effort,
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    ...(flags.privileged ? { privileged: true } : {}),
  };
}
