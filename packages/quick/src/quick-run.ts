import { type CodexusErrorCode, validationError } from '@codexus/core';
import {
  assertCwdDirectory,
  type Client,
  type InferOutputOf,
  type OutputSpec,
  type Prompt,
  type PromptRunResult,
  type StructuredRunResult,
} from '@codexus/runtime';
import { QUICK_CLIENT_KEYS, type QuickClientOptions } from './client-options.js';
import { anySignal, connectClient, runCall, startProfileSession } from './internal/connect-client.js';
import { preRun } from './internal/run-hooks.js';
import { settle } from './internal/settle.js';
import { resolveCwd, splitCallOptions, validateOptions } from './internal/validate.js';
import { QuickRunError } from './quick-run-error.js';
import { type ResolvedRunProfile, type RunProfile, resolveRunProfile } from './run-profile.js';

/** Where and how long one call runs: the options of a call that are not the profile's. */
export interface QuickRunCallOptions extends QuickClientOptions {
  /** The directory of the run. Default: `process.cwd()`; a relative path is resolved against it. */
  cwd?: string;
  /** Aborts the call at any point: while connecting, starting the thread, or during the turn. */
  signal?: AbortSignal;
  /**
   * Limit of the whole call in ms (connect, thread start and turn); the code is then
   * `REQUEST_TIMEOUT`. The profile's `turnTimeoutMs` bounds the turn alone. Shutdown is not cut
   * short: it always runs to the end, bounded by codex's shutdown ladder.
   */
  timeoutMs?: number;
}

/** `quickRun`'s one options object: where the call runs and how long, and the run's profile. */
export interface QuickRunOptions extends QuickRunCallOptions, RunProfile {}

const CALL_KEYS: readonly string[] = [...QUICK_CLIENT_KEYS, 'cwd', 'signal', 'timeoutMs'];

/**
 * Layer 1: runs one prompt in a new thread of a new codex process, with the safe defaults (approval
 * `never`, sandbox `read-only`, effort `medium`, turn timeout 120 s), and shuts codex down on every
 * path: success, failure and abort. Rejects with {@link QuickRunError}. One options object: the
 * call's (`cwd`, `signal`, `timeoutMs`, which codex) and the profile's fields side by side.
 *
 * ```ts
 * const { text } = await quickRun('Summarize README.md', { cwd: process.cwd() });
 * ```
 */
export function quickRun<S extends OutputSpec>(
  prompt: Prompt,
  options: QuickRunOptions & { output: S },
): Promise<StructuredRunResult<InferOutputOf<S>>>;
export function quickRun(prompt: Prompt, options?: QuickRunOptions): Promise<PromptRunResult>;
export function quickRun(prompt: Prompt, options: QuickRunOptions = {}): Promise<PromptRunResult> {
  let split: ReturnType<typeof splitCallOptions>;
  try {
    split = splitCallOptions(options ?? {}, CALL_KEYS);
  } catch (error) {
    return Promise.reject(new QuickRunError('connect', error));
  }
  return quickRunWithProfile(prompt, split.profile as RunProfile, split.call as QuickRunCallOptions);
}

/**
 * Layer 1 with a {@link RunProfile} kept apart (e.g. one profile for many calls): the profile is
 * validated and turned into session and prompt settings before codex is spawned (a privileged
 * sandbox without `privileged: true` fails here, with kind `connect` and code `VALIDATION_FAILED`).
 */
export function quickRunWithProfile<S extends OutputSpec>(
  prompt: Prompt,
  profile: RunProfile & { output: S },
  options?: QuickRunCallOptions,
): Promise<StructuredRunResult<InferOutputOf<S>>>;
export function quickRunWithProfile(
  prompt: Prompt,
  profile: RunProfile,
  options?: QuickRunCallOptions,
): Promise<PromptRunResult>;
export async function quickRunWithProfile(
  prompt: Prompt,
  profile: RunProfile,
  options: QuickRunCallOptions = {},
): Promise<PromptRunResult> {
  let settings: ResolvedRunProfile;
  try {
    validateOptions(options, CALL_KEYS);
    settings = resolveRunProfile(resolveCwd(options.cwd), profile);
    // A local codex would start anyway and every command in the turn would fail: refuse first.
    if (options.remote === undefined) await assertCwdDirectory(settings.session.cwd);
  } catch (error) {
    throw new QuickRunError('connect', error);
  }
  const deadline = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  const signal = anySignal(options.signal, deadline);
  // An abort caused by the call's own timeout is reported as a timeout.
  const timeoutCode = (): CodexusErrorCode | undefined =>
    deadline?.aborted && !options.signal?.aborted ? 'REQUEST_TIMEOUT' : undefined;

  let client: Client;
  try {
    client = await connectClient(options, signal, settings);
  } catch (error) {
    throw new QuickRunError('connect', error, { code: timeoutCode() });
  }

  const run = await settle(async () => {
    const { call, finish } = await preRun(
      client.hooks.extend(settings.hooks),
      settings.session.cwd,
      runCall(settings, prompt),
      signal,
    );
    let result: PromptRunResult;
    try {
      const session = await startProfileSession(client, settings, signal, call);
      result = await session.ask(call.prompt, { ...settings.ask, signal });
    } catch (error) {
      return finish(undefined, error);
    }
    return finish(result);
  });
  // Always, whatever the run did (success, failure, abort): closing interrupts a turn still running.
  const shutdown = await settle(() => client.close());
  if (!run.ok) {
    const shutdownError = shutdown.ok ? undefined : shutdown.error;
    throw new QuickRunError('run', run.error, { shutdownError, code: timeoutCode() });
  }
  if (!shutdown.ok) throw new QuickRunError('shutdown', shutdown.error, { result: run.value });
  return run.value;
}
