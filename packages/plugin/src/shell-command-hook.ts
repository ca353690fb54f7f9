import type { HookRunOptions, PostHook, PreHook } from './hook.js';
import { type HookAction, parseHookAction } from './hook-action.js';
import type { HookContext } from './hook-context.js';
import { HookError } from './hook-error.js';
import { isPrePhase, type PostPhase, type PrePhase } from './hook-phase.js';
import { type PostHookResult, parsePostHookResult } from './hook-report.js';
import { type RunCommandOutcome, runCommand } from './internal/run-command.js';

/** Default time limit of a command hook (ms). */
export const DEFAULT_SHELL_HOOK_TIMEOUT_MS = 10_000;
/** Default cap on a command hook's stdout (bytes). */
export const DEFAULT_SHELL_HOOK_MAX_OUTPUT_BYTES = 1024 * 1024;
/** The exit code with which a command blocks (its stderr is the reason). */
export const SHELL_HOOK_BLOCK_EXIT_CODE = 2;

export interface ShellCommandHookOptions<P extends PrePhase | PostPhase> {
  name: string;
  phases: readonly P[];
  /** The program and its arguments. Run directly, never through a shell. */
  argv: readonly [string, ...string[]];
  /**
   * The command's whole environment: nothing is inherited unless named in `inheritEnv`. Without
   * `PATH`, give the program as an absolute path (e.g. `process.execPath`).
   */
  env?: Readonly<Record<string, string>>;
  /** Names of variables copied from this process's environment (e.g. `['PATH', 'HOME']`); `env` wins. */
  inheritEnv?: readonly string[];
  /** Working directory; default: the context's cwd. */
  cwd?: string;
  /** Default {@link DEFAULT_SHELL_HOOK_TIMEOUT_MS}. On timeout the whole process group is killed. */
  timeoutMs?: number;
  maxOutputBytes?: number;
  contractVersion?: string;
}

/**
 * Runs an external command as a hook: the context goes to its stdin as one JSON document, and it
 * answers through its exit code and stdout. The command runs in its own process group; a timeout or
 * an abort kills the group and the run fails with a `timeout` issue. When the command exits, the
 * group is killed as well: nothing it started in the background outlives the hook.
 */
abstract class ShellCommand<P extends PrePhase | PostPhase> {
  readonly name: string;
  readonly phases: readonly P[];
  readonly argv: readonly [string, ...string[]];
  readonly timeoutMs: number;
  readonly contractVersion: string | undefined;
  private readonly env: Readonly<Record<string, string>>;

  constructor(private readonly options: ShellCommandHookOptions<P>) {
    if (!Array.isArray(options.argv) || options.argv.length === 0 || typeof options.argv[0] !== 'string')
      throw new TypeError(`command hook "${options.name}": argv must name a program`);
    this.name = options.name;
    this.phases = [...options.phases];
    this.argv = [...options.argv] as unknown as readonly [string, ...string[]];
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SHELL_HOOK_TIMEOUT_MS;
    this.contractVersion = options.contractVersion;
    const inherited: Record<string, string> = {};
    for (const key of options.inheritEnv ?? []) {
      const value = process.env[key];
      if (value !== undefined) inherited[key] = value;
    }
    this.env = Object.freeze({ ...inherited, ...options.env });
  }

  /** Runs the command; resolves with its exit code and output, or throws the {@link HookError} of its failure. */
  protected async exec(
    context: HookContext,
    signal: AbortSignal,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    let input: string;
    try {
      input = `${JSON.stringify(context)}\n`;
    } catch (error) {
      throw new HookError('internal', `the context cannot be sent as JSON: ${String(error)}`, {
        cause: error,
      });
    }
    const outcome = await runCommand({
      argv: this.argv,
      input,
      env: this.env,
      cwd: this.options.cwd ?? (context.cwd || undefined),
      timeoutMs: this.timeoutMs,
      signal,
      maxOutputBytes: this.options.maxOutputBytes ?? DEFAULT_SHELL_HOOK_MAX_OUTPUT_BYTES,
    });
    return this.check(outcome);
  }

  private check(outcome: RunCommandOutcome): { code: number; stdout: string; stderr: string } {
    const program = this.argv[0];
    switch (outcome.type) {
      case 'spawnFailed':
        throw new HookError('execution', `could not start ${program}: ${outcome.error.message}`, {
          cause: outcome.error,
        });
      case 'timeout':
        throw new HookError('timeout', `${program} gave no answer within ${this.timeoutMs} ms (killed)`);
      case 'aborted':
        throw new HookError('timeout', `${program} was stopped: the hook run was aborted (killed)`);
      case 'exited':
        if (outcome.code === null)
          throw new HookError(
            'execution',
            `${program} was killed by ${outcome.signal}${tail(outcome.stderr)}`,
          );
        if (outcome.stdoutTruncated)
          throw new HookError('validation', `${program} wrote more than the stdout limit`);
        return { code: outcome.code, stdout: outcome.stdout, stderr: outcome.stderr };
    }
  }

  protected failed(code: number, stderr: string): HookError {
    return new HookError('execution', `${this.argv[0]} exited with code ${code}${tail(stderr)}`);
  }

  protected json(stdout: string): unknown {
    try {
      return JSON.parse(stdout);
    } catch {
      throw new HookError('validation', `${this.argv[0]} wrote no JSON on stdout: ${clip(stdout)}`);
    }
  }
}

/**
 * A command as a {@link PreHook}. Exit 0 with empty stdout = continue; exit 0 with a JSON action on
 * stdout = that action; exit 2 = block, stderr is the reason; anything else = an `execution` issue.
 */
export class ShellCommandHook extends ShellCommand<PrePhase> implements PreHook {
  constructor(options: ShellCommandHookOptions<PrePhase>) {
    super(options);
  }

  async run(context: HookContext, { signal }: HookRunOptions): Promise<HookAction> {
    const { code, stdout, stderr } = await this.exec(context, signal);
    if (code === SHELL_HOOK_BLOCK_EXIT_CODE) {
      return { type: 'block', reason: { message: stderr.trim() || `blocked by ${this.name} (exit 2)` } };
    }
    if (code !== 0) throw this.failed(code, stderr);
    if (stdout.trim() === '') return { type: 'continue' };
    const parsed = parseHookAction(this.json(stdout), isPrePhase(context.phase) ? context.phase : undefined);
    if (!parsed.ok)
      throw new HookError(
        'validation',
        `${this.argv[0]} wrote an invalid action: ${parsed.problems.join('; ')}`,
      );
    return parsed.action;
  }
}

/**
 * A command as a {@link PostHook}. Exit 0 = observed (a JSON `{ data?, issues? }` on stdout is kept
 * on the report); anything else = an `execution` issue.
 */
export class ShellCommandPostHook extends ShellCommand<PostPhase> implements PostHook {
  constructor(options: ShellCommandHookOptions<PostPhase>) {
    super(options);
  }

  async run(context: HookContext, { signal }: HookRunOptions): Promise<PostHookResult | undefined> {
    const { code, stdout, stderr } = await this.exec(context, signal);
    if (code !== 0) throw this.failed(code, stderr);
    if (stdout.trim() === '') return undefined;
    const parsed = parsePostHookResult(this.json(stdout));
    if (!parsed.ok)
      throw new HookError(
        'validation',
        `${this.argv[0]} wrote an invalid report: ${parsed.problems.join('; ')}`,
      );
    return parsed.result;
  }
}

function tail(stderr: string): string {
  const text = stderr.trim();
  return text ? `: ${clip(text.slice(-2_000))}` : '';
}

function clip(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}
