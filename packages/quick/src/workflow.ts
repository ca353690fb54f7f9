import { CodexusError, validationError } from '@codexus/core';
import {
  assertCwdDirectory,
  type Client,
  type HookEngine,
  type InferOutputOf,
  type OutputSpec,
  type Prompt,
  type PromptRunResult,
  type Session,
  type StructuredRunResult,
} from '@codexus/runtime';
import { QUICK_CLIENT_KEYS, type QuickClientOptions } from './client-options.js';
import { connectClient, runCall, startProfileSession } from './internal/connect-client.js';
import { preRun } from './internal/run-hooks.js';
import { settle } from './internal/settle.js';
import { resolveCwd, splitCallOptions, validateOptions } from './internal/validate.js';
import { QuickRunError } from './quick-run-error.js';
import { type ResolvedRunProfile, type RunProfile, resolveRunProfile } from './run-profile.js';
import { type StartedRun, WorkflowRun } from './workflow-run.js';

/**
 * `Workflow.connect`'s one options object, the shape of `quickRun`'s: where the runs happen and which
 * codex (`cwd`, `signal`, the client settings), the workflow's own switch, and the run profile's
 * fields side by side.
 */
export interface WorkflowConfig extends QuickClientOptions, RunProfile {
  /** The working directory of every run. Default: `process.cwd()`; a relative path is resolved against it. */
  cwd?: string;
  /** Start a new thread for every run (no shared history). Default false: one thread for all runs. */
  freshThreadPerRun?: boolean;
  /** Aborts the connect (spawn, handshake, first thread); each run takes its own `signal`. */
  signal?: AbortSignal;
}

export interface WorkflowRunOptions {
  signal?: AbortSignal;
  /** This run's turn timeout (ms); default: the profile's `turnTimeoutMs` (120 000). */
  turnTimeoutMs?: number;
  /** Image paths or URLs for this run (instead of the profile's `images`). */
  images?: readonly string[];
  /** A JSON Schema for this run's final message (instead of the profile's `outputSchema`). */
  outputSchema?: Record<string, unknown>;
  /** A schema for this run's final message (instead of the profile's `output`): `result.output` is typed. */
  output?: OutputSpec;
}

const CALL_KEYS = [...QUICK_CLIENT_KEYS, 'cwd', 'freshThreadPerRun', 'signal'];
const RUN_KEYS = ['signal', 'turnTimeoutMs', 'images', 'outputSchema', 'output'];

/**
 * Layer 2: repeated runs in one directory on one codex process. By default every run continues the
 * same thread (history is kept); `freshThreadPerRun` starts a new thread per run instead. One run
 * at a time: a run started while another is in flight fails with `TURN_IN_PROGRESS`.
 *
 * It exposes less than a `Session` on purpose: no steer, resume, fork, raw runtime, per-turn effort
 * or sandbox changes. Use `Client`/`Session` (layer 3) for those.
 *
 * ```ts
 * await using workflow = await Workflow.connect({ cwd: process.cwd() });
 * const first = await workflow.run('List the TODOs');
 * const second = await workflow.run('Fix the first one');
 * ```
 */
export class Workflow implements AsyncDisposable {
  private session: Session;
  private running: WorkflowRun | undefined;
  private runs = 0;
  private closing: Promise<void> | undefined;
  /** The client's hooks and the profile's, for PreRun / PostRun. */
  private readonly hooks: HookEngine;

  private constructor(
    private readonly client: Client,
    private readonly settings: ResolvedRunProfile,
    private readonly freshThreadPerRun: boolean,
    session: Session,
  ) {
    this.session = session;
    this.hooks = client.hooks.extend(settings.hooks);
  }

  /**
   * Validates the config (before anything is spawned), spawns codex and starts the first thread.
   * Rejects with a {@link QuickRunError} of kind `connect`; nothing is left running then.
   */
  static async connect(config: WorkflowConfig = {}): Promise<Workflow> {
    let settings: ResolvedRunProfile;
    let call: WorkflowConfig;
    try {
      const split = splitCallOptions(config, CALL_KEYS);
      call = split.call as WorkflowConfig;
      validateOptions(call, CALL_KEYS);
      if (call.freshThreadPerRun !== undefined && typeof call.freshThreadPerRun !== 'boolean') {
        throw validationError('freshThreadPerRun', 'freshThreadPerRun must be a boolean');
      }
      settings = resolveRunProfile(resolveCwd(call.cwd), split.profile as RunProfile);
      if (call.remote === undefined) await assertCwdDirectory(settings.session.cwd);
    } catch (error) {
      throw new QuickRunError('connect', error);
    }
    let client: Client;
    try {
      client = await connectClient(call, call.signal, settings);
    } catch (error) {
      throw new QuickRunError('connect', error);
    }
    const started = await settle(() => startProfileSession(client, settings, call.signal));
    if (!started.ok) {
      const shutdown = await settle(() => client.close());
      throw new QuickRunError('connect', started.error, {
        shutdownError: shutdown.ok ? undefined : shutdown.error,
      });
    }
    return new Workflow(client, settings, call.freshThreadPerRun === true, started.value);
  }

  /** The working directory of every run. */
  get cwd(): string {
    return this.settings.session.cwd;
  }

  /** The current thread (with `freshThreadPerRun`, the thread of the latest run). */
  get threadId(): string {
    return this.session.threadId;
  }

  /** How many runs were started. */
  get runCount(): number {
    return this.runs;
  }

  /** True while a run is in flight. */
  get isRunning(): boolean {
    return this.running !== undefined;
  }

  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  /** Runs one prompt and resolves with its result; rejects with the run's error (e.g. `PromptRunError`). */
  run<S extends OutputSpec>(
    prompt: Prompt,
    options: WorkflowRunOptions & { output: S },
  ): Promise<StructuredRunResult<InferOutputOf<S>>>;
  run(prompt: Prompt, options?: WorkflowRunOptions): Promise<PromptRunResult>;
  run(prompt: Prompt, options: WorkflowRunOptions = {}): Promise<PromptRunResult> {
    try {
      return this.runStream(prompt, options).result;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Starts one run and returns its live events (`for await`), `result` and `interrupt()`. Throws
   * `TURN_IN_PROGRESS` while another run is in flight and `SESSION_CLOSED` after `close()`.
   */
  runStream(prompt: Prompt, options: WorkflowRunOptions = {}): WorkflowRun {
    if (this.closing) throw new CodexusError('SESSION_CLOSED', 'run: the workflow is closed');
    validateOptions(options, RUN_KEYS);
    if (this.running) {
      throw new CodexusError('TURN_IN_PROGRESS', 'a run is already in flight on this workflow', {
        data: { threadId: this.session.threadId },
      });
    }
    const run = new WorkflowRun(this.startTurn(prompt, options));
    this.running = run;
    this.runs++;
    const done = (): void => {
      if (this.running === run) this.running = undefined;
    };
    run.result.then(done, done);
    return run;
  }

  /** Interrupts a run in flight, then stops codex. Idempotent; rejects with kind `shutdown` if closing fails. */
  close(): Promise<void> {
    this.closing ??= this.client.close().catch((error: unknown) => {
      throw new QuickRunError('shutdown', error);
    });
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async startTurn(prompt: Prompt, options: WorkflowRunOptions): Promise<StartedRun> {
    const planned = runCall(this.settings, prompt);
    const { call, finish } = await preRun(this.hooks, this.settings.session.cwd, planned, options.signal);
    if (call.model !== planned.model || call.instructions !== planned.instructions) {
      throw new CodexusError(
        'VALIDATION_FAILED',
        "a PreRun patch of the model or instructions cannot apply to the workflow's thread; use a PreTurn hook",
        { data: { path: 'patch' } },
      );
    }
    try {
      if (this.freshThreadPerRun && this.session.turnCount > 0) {
        const previous = this.session;
        this.session = await startProfileSession(this.client, this.settings, options.signal);
        await previous.close();
      }
      const { images, outputSchema, output } = this.settings.ask;
      const useOutput = options.output ?? (options.outputSchema === undefined ? output : undefined);
      const stream = this.session.askStream(call.prompt, {
        signal: options.signal,
        timeoutMs: options.turnTimeoutMs,
        effort: call.effort,
        images: options.images ?? images,
        ...(useOutput !== undefined
          ? { output: useOutput }
          : { outputSchema: options.outputSchema ?? outputSchema }),
      });
      return { stream, finish };
    } catch (error) {
      await finish(undefined, error); // runs PostRun, then rethrows the error
      throw error;
    }
  }
}
