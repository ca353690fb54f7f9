import { CodexRpcError, CodexusError, type Logger, silentLogger } from '@codexus/core';
import { checkContractVersion, type Hook, PLUGIN_CONTRACT_VERSION } from '@codexus/plugin';
import {
  type InferOutputOf,
  type OutputSpec,
  prepareOutput,
  type Session,
  type SessionConfig,
  type SessionSource,
} from '@codexus/runtime';
import { ArtifactConflictError } from './artifact-conflict.js';
import { assertArtifactId } from './artifact-id.js';
import { type ArtifactMeta, type ArtifactStore, DEFAULT_FORMAT, type SaveMeta } from './artifact-store.js';
import {
  ARTIFACT_TASK_KINDS,
  type ArtifactTaskResult,
  type ArtifactTaskSpec,
  type DocEditResult,
  type DocEditTaskSpec,
  type DocGenerateResult,
  type DocGenerateTaskSpec,
  type PassthroughResult,
  type PassthroughTaskSpec,
} from './artifact-task.js';
import { applyDocPatch, type DocPatch, validateDocPatch } from './doc-patch.js';
import { KeyedLock, type LockPolicy } from './internal/keyed-lock.js';
import { computeRevision } from './revision.js';
import {
  type DocPatchOutput,
  DocPatchOutputSchema,
  type GeneratedDoc,
  GeneratedDocSchema,
} from './task-output.js';
import { buildTaskPrompt } from './task-prompt.js';

export interface ArtifactSessionManagerOptions {
  /**
   * The config of the threads the manager starts or resumes (safe defaults apply). `cwd` defaults to
   * `process.cwd()` for a new thread; a resumed thread keeps its own unless you set one.
   */
  session?: Partial<SessionConfig>;
  /** A second task on an artifact while one runs: `wait` (default) or `fail` with `TURN_IN_PROGRESS`. */
  lockPolicy?: LockPolicy;
  /**
   * The hooks your program runs with. Before every task their contract version is checked: a hook
   * written for another major of `@codexus/plugin` makes the task fail with `INCOMPATIBLE_VERSION`.
   */
  hooks?: readonly Hook[];
  logger?: Logger;
}

/** An artifact bound to a codex thread. */
export interface ArtifactBinding {
  artifactId: string;
  threadId: string;
  /** The session of the thread (owned by the manager: closed by `manager.close()`). */
  session: Session;
  /** True when the thread was resumed from `meta.threadId`, false when it was started. */
  resumed: boolean;
}

export interface RunTaskOptions {
  signal?: AbortSignal;
  /** The turn's timeout (ms); default: the session's. */
  timeoutMs?: number;
}

/**
 * Runs codex turns on artifacts: each artifact is bound to one codex thread, every change comes from
 * a turn with structured output, and is saved as a new revision. Takes a connected `Client` or `ClientPool` (a `SessionSource`, which it
 * does not close) and an {@link ArtifactStore}.
 *
 * - Optimistic concurrency: the save expects the revision the task read; a change in between is an
 *   {@link ArtifactConflictError}, never a lost update.
 * - One task per artifact at a time (`lockPolicy`).
 */
export class ArtifactSessionManager implements AsyncDisposable {
  private readonly bindings = new Map<string, Promise<ArtifactBinding>>();
  private readonly lock = new KeyedLock();
  private readonly logger: Logger;
  private closed = false;

  constructor(
    readonly client: SessionSource,
    readonly store: ArtifactStore,
    private readonly options: ArtifactSessionManagerOptions = {},
  ) {
    if (options.lockPolicy !== undefined && options.lockPolicy !== 'wait' && options.lockPolicy !== 'fail') {
      throw new CodexusError(
        'VALIDATION_FAILED',
        `lockPolicy must be "wait" or "fail", got ${String(options.lockPolicy)}`,
      );
    }
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Binds the artifact to a codex thread: the open one, or the thread of `meta.threadId` resumed, or a
   * new thread (also when that thread cannot be resumed, e.g. it never ran a turn). `model` applies
   * when the thread is started or resumed here.
   */
  open(artifactId: string, options: { model?: string; signal?: AbortSignal } = {}): Promise<ArtifactBinding> {
    try {
      assertArtifactId(artifactId);
      this.assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    const existing = this.bindings.get(artifactId);
    if (existing) return existing;
    const binding = this.bind(artifactId, options.model, undefined, options.signal);
    this.bindings.set(artifactId, binding);
    binding.catch(() => {
      if (this.bindings.get(artifactId) === binding) this.bindings.delete(artifactId);
    });
    return binding;
  }

  /**
   * Runs one task: builds the prompt, runs one turn with the output schema of the task's kind,
   * validates the output, applies it and saves it with a {@link SaveMeta}. Rejects with
   * {@link ArtifactConflictError} (nothing saved) when the artifact changed, or when the patch does not
   * fit; with `OUTPUT_INVALID` when the model's answer is not of the schema; with `TURN_IN_PROGRESS`
   * when another task runs on the artifact and `lockPolicy` is `fail`.
   */
  runTask(spec: DocGenerateTaskSpec, options?: RunTaskOptions): Promise<DocGenerateResult>;
  runTask(spec: DocEditTaskSpec, options?: RunTaskOptions): Promise<DocEditResult>;
  runTask<S extends OutputSpec>(
    spec: PassthroughTaskSpec<S>,
    options?: RunTaskOptions,
  ): Promise<PassthroughResult<InferOutputOf<S>>>;
  runTask(spec: ArtifactTaskSpec, options?: RunTaskOptions): Promise<ArtifactTaskResult>;
  async runTask(spec: ArtifactTaskSpec, options: RunTaskOptions = {}): Promise<ArtifactTaskResult> {
    const output = checkSpec(spec);
    this.assertOpen();
    this.checkHooks();
    const release = await this.lock.acquire(
      spec.artifactId,
      this.options.lockPolicy ?? 'wait',
      options.signal,
    );
    try {
      return await this.execute(spec, output, options);
    } finally {
      release();
    }
  }

  /** Closes the sessions the manager opened (not the client). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const bindings = [...this.bindings.values()];
    this.bindings.clear();
    await Promise.allSettled(bindings.map(async (b) => (await b).session.close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async execute(
    spec: ArtifactTaskSpec,
    output: OutputSpec,
    options: RunTaskOptions,
  ): Promise<ArtifactTaskResult> {
    const artifactId = spec.artifactId;
    // The text decides the expected revision; the meta only adds title, format and thread.
    const stored = await this.store.loadText(artifactId);
    const meta = await this.store.getMeta(artifactId);
    const previousRevision = stored === undefined ? null : computeRevision(stored);
    if (spec.currentText !== undefined && stored !== undefined && spec.currentText !== stored) {
      throw new ArtifactConflictError(
        { kind: 'revisionMismatch', expected: computeRevision(spec.currentText), actual: previousRevision },
        { artifactId },
      );
    }
    const text = stored ?? spec.currentText;
    if (spec.kind === 'docEdit' && text === undefined) {
      throw new CodexusError(
        'VALIDATION_FAILED',
        `docEdit: there is no artifact "${artifactId}" and no currentText to edit`,
        {
          data: { artifactId },
        },
      );
    }
    const binding = await this.bindForTask(artifactId, spec.model, options.signal);
    const prompt = buildTaskPrompt(spec, {
      text,
      revision: text === undefined ? null : computeRevision(text),
      title: meta?.title,
      format: meta?.format,
    });
    const turn = await binding.session.ask(prompt, {
      output,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      effort: spec.effort,
    });
    const base = { artifactId, threadId: turn.threadId, turnId: turn.turnId };

    if (spec.kind === 'passthrough') {
      if (meta && meta.threadId !== turn.threadId)
        await this.store.setMeta(artifactId, { threadId: turn.threadId });
      return { kind: 'passthrough', ...base, revision: previousRevision, output: turn.output };
    }

    if (spec.kind === 'docGenerate') {
      const doc = turn.output as GeneratedDoc;
      const format = doc.format || meta?.format || DEFAULT_FORMAT;
      const saved = await this.save(
        artifactId,
        doc.text,
        { title: doc.title, format },
        spec.kind,
        base,
        previousRevision,
      );
      return {
        kind: 'docGenerate',
        ...base,
        revision: saved.revision,
        previousRevision,
        title: doc.title,
        format,
        text: doc.text,
      };
    }

    const answer = turn.output as DocPatchOutput;
    const patch: DocPatch = {
      format: answer.format || meta?.format || DEFAULT_FORMAT,
      expectedRevision: answer.expectedRevision,
      edits: answer.edits,
      ...(answer.notes === null ? {} : { notes: answer.notes }),
    };
    const checked = validateDocPatch(text!, patch);
    if (!checked.ok) throw new ArtifactConflictError(checked.conflict, { artifactId });
    const next = applyDocPatch(text!, checked.patch);
    const saved = await this.save(
      artifactId,
      next,
      { format: patch.format },
      spec.kind,
      base,
      previousRevision,
    );
    return {
      kind: 'docEdit',
      ...base,
      revision: saved.revision,
      previousRevision,
      format: patch.format,
      text: next,
      notes: patch.notes,
      patch,
    };
  }

  /** Saves only while the store still holds the revision the task read. */
  private save(
    artifactId: string,
    text: string,
    fields: { title?: string; format: string },
    taskKind: 'docGenerate' | 'docEdit',
    turn: { threadId: string; turnId: string },
    previousRevision: string | null,
  ): Promise<ArtifactMeta> {
    const save: SaveMeta = {
      taskKind,
      threadId: turn.threadId,
      turnId: turn.turnId,
      previousRevision,
      nextRevision: computeRevision(text),
    };
    return this.store.saveTextAndMeta(
      artifactId,
      text,
      { ...fields, threadId: turn.threadId },
      { expectedRevision: previousRevision, save },
    );
  }

  /** The binding for a task (under the artifact's lock): rebinds a closed session or another model. */
  private async bindForTask(
    artifactId: string,
    model: string | undefined,
    signal?: AbortSignal,
  ): Promise<ArtifactBinding> {
    const current = await this.open(artifactId, { model, signal });
    const wrongModel = model !== undefined && current.session.config.model !== model;
    if (!current.session.isClosed && !wrongModel) return current;
    // The thread can be resumed (with the new model) once it ran a turn; else a new one is started.
    const reusable = current.resumed || current.session.turnCount > 0;
    await current.session.close();
    const binding = this.bind(artifactId, model, reusable ? current.session.threadId : null, signal);
    this.bindings.set(artifactId, binding);
    binding.catch(() => {
      if (this.bindings.get(artifactId) === binding) this.bindings.delete(artifactId);
    });
    return binding;
  }

  /** `threadId`: `undefined` = the one in the store's meta, `null` = start a new thread. */
  private async bind(
    artifactId: string,
    model: string | undefined,
    threadId: string | null | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ArtifactBinding> {
    const config: Partial<SessionConfig> = {
      ...this.options.session,
      ...(model === undefined ? {} : { model }),
    };
    const resumeId =
      threadId === undefined ? (await this.store.getMeta(artifactId))?.threadId : (threadId ?? undefined);
    if (resumeId !== undefined) {
      try {
        const session = await this.client.resumeSession(resumeId, config, { signal });
        return { artifactId, threadId: session.threadId, session, resumed: true };
      } catch (error) {
        if (
          !(
            CodexRpcError.isInstance(error) &&
            (error.kind === 'noRollout' || error.kind === 'threadNotFound')
          )
        ) {
          throw error;
        }
        this.logger.warn('artifact thread cannot be resumed; starting a new one', {
          artifactId,
          threadId: resumeId,
          error: error.message,
        });
      }
    }
    const session = await this.client.startSession({ cwd: process.cwd(), ...config }, { signal });
    return { artifactId, threadId: session.threadId, session, resumed: false };
  }

  private checkHooks(): void {
    for (const hook of this.options.hooks ?? []) {
      const check = checkContractVersion(hook.contractVersion);
      if (!check.compatible) {
        throw new CodexusError('INCOMPATIBLE_VERSION', `hook "${hook.name}" is refused: ${check.reason}`, {
          data: {
            hook: hook.name,
            contractVersion: hook.contractVersion,
            supported: PLUGIN_CONTRACT_VERSION,
          },
        });
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new CodexusError('SESSION_CLOSED', 'the ArtifactSessionManager is closed');
  }
}

/** Checks a spec before anything runs and returns the output spec of its kind. */
function checkSpec(spec: ArtifactTaskSpec): OutputSpec {
  const fail = (message: string): never => {
    throw new CodexusError('VALIDATION_FAILED', `runTask: ${message}`, {
      data: { artifactId: spec?.artifactId },
    });
  };
  if (typeof spec !== 'object' || spec === null) fail('the spec must be an object');
  assertArtifactId(spec.artifactId);
  if (!ARTIFACT_TASK_KINDS.includes(spec.kind)) fail(`kind must be one of ${ARTIFACT_TASK_KINDS.join(', ')}`);
  if (typeof spec.userGoal !== 'string' || spec.userGoal.trim() === '')
    fail('userGoal must be a non-empty string');
  for (const key of ['constraints', 'examples'] as const) {
    const list = spec[key];
    if (list !== undefined && !(Array.isArray(list) && list.every((item) => typeof item === 'string'))) {
      fail(`${key} must be an array of strings`);
    }
  }
  if (spec.currentText !== undefined && typeof spec.currentText !== 'string')
    fail('currentText must be a string');
  switch (spec.kind) {
    case 'docGenerate':
      return GeneratedDocSchema;
    case 'docEdit':
      return DocPatchOutputSchema;
    case 'passthrough':
      if (spec.outputSchema === undefined) fail('a passthrough task needs an outputSchema');
      // Refuses a schema the strict output form cannot hold, before any lock or RPC.
      prepareOutput(spec.outputSchema);
      return spec.outputSchema;
  }
}
