import { CodexusError } from '@codexus/core';
import { Client, type ClientConfig, type Session } from '@codexus/runtime';
import { QUICK_CLIENT_KEYS, type QuickClientOptions } from '../client-options.js';
import type { ResolvedRunProfile } from '../run-profile.js';
import { withQuickDefaults } from './quick-defaults.js';
import type { RunCall } from './run-hooks.js';

/**
 * Spawns codex and runs the handshake with the given client settings (only those: the rest of an
 * options object is not passed on). `signal` aborts a connect in progress: the handshake request is
 * aborted and the half-started process is closed before this rejects with `ABORTED`.
 */
export async function connectClient(
  options: QuickClientOptions,
  signal?: AbortSignal,
  settings?: ResolvedRunProfile,
): Promise<Client> {
  if (signal?.aborted) throw aborted(signal);
  const config: ClientConfig = {};
  // In-process tools need codex's experimental capability (opened for them only, see docs/tools.md).
  if (settings?.session.tools?.length) config.dynamicTools = true;
  for (const key of QUICK_CLIENT_KEYS) {
    if (options[key] !== undefined) Object.assign(config, { [key]: options[key] });
  }
  // The quick defaults are `-c` flags of a codex we spawn; a remote server keeps its own config.
  if (options.remote === undefined) config.configOverrides = withQuickDefaults(options.configOverrides);
  const client = await Client.connect({ ...config, signal });
  if (signal?.aborted) {
    // Aborted just after the handshake answered: never hand out a client nobody will close.
    await client.close();
    throw aborted(signal);
  }
  return client;
}

/** Starts a thread with a resolved profile's session settings (and its hooks). */
export function startProfileSession(
  client: Client,
  settings: ResolvedRunProfile,
  signal?: AbortSignal,
  call?: Omit<RunCall, 'prompt'>,
): Promise<Session> {
  // A PreRun patch of the model, effort or instructions applies to the thread it starts.
  const session = call
    ? {
        ...settings.session,
        model: call.model,
        effort: call.effort ?? settings.session.effort,
        instructions: call.instructions,
      }
    : settings.session;
  return client.startSession(session, { signal });
}

/** The run-level part of a profile, as a PreRun hook sees (and may patch) it. */
export function runCall(settings: ResolvedRunProfile, prompt: RunCall['prompt']): RunCall {
  const { model, effort, instructions } = settings.session;
  return { prompt, model, effort, instructions };
}

/** `AbortSignal.any` of the signals given (undefined when none). */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return present.length <= 1 ? present[0] : AbortSignal.any(present);
}

function aborted(signal: AbortSignal): CodexusError {
  return new CodexusError('ABORTED', 'connect aborted', { cause: signal.reason });
}
