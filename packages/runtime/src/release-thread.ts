import { CodexusError } from '@codexus/core';
import { THREAD_RELEASE_TIMEOUT_MS } from './defaults.js';
import type { Runtime } from './runtime.js';

/**
 * Tells codex this connection no longer listens to the thread (`thread/unsubscribe`), so codex
 * unloads it after the thread's unload delay (0 by default: at once) and frees its memory, file
 * descriptors and listeners. Never throws: a connection that is already gone has released the thread
 * by closing (logged at debug); any other failure is logged as a warning. Bounded by
 * `THREAD_RELEASE_TIMEOUT_MS`.
 */
export async function releaseThread(
  runtime: Pick<Runtime, 'request' | 'logger'>,
  threadId: string,
): Promise<void> {
  try {
    await runtime.request('thread/unsubscribe', { threadId }, { timeoutMs: THREAD_RELEASE_TIMEOUT_MS });
  } catch (error) {
    const gone = CodexusError.is(error, 'CONNECTION_CLOSED');
    runtime.logger[gone ? 'debug' : 'warn']("could not unsubscribe from a closed session's thread", {
      threadId,
      code: CodexusError.isInstance(error) ? error.code : undefined,
      error: String(error),
    });
  }
}
