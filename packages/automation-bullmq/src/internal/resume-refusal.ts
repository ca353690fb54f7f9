import { CodexRpcError } from '@codexus/core';
import type { Client, ClientPool } from '@codexus/runtime';

/**
 * Why codex refused a `thread/resume` for a moment only, so that it is retried rather than the
 * thread given up as unreachable; `undefined` for any other refusal.
 * - `heldElsewhere`: `thread <id> already has an active writer`: another codex (a worker sharing the
 *   `CODEX_HOME`) still holds the thread open;
 * - `unloading`: `thread <id> is closing; retry thread/resume after the thread is closed` (0.171):
 *   this codex is still unloading it (a session closed a moment before); or `no rollout found for
 *   thread id <id>` while `thread/read` of the same id succeeds: codex 0.171 answers it for a moment
 *   right after the unload, under load. A thread of another `CODEX_HOME` fails the read as well: that
 *   one is unreachable, and the caller moves on at once.
 */
export async function resumeRefusedForNow(
  client: Client | ClientPool,
  threadId: string,
  error: unknown,
): Promise<'heldElsewhere' | 'unloading' | undefined> {
  if (!CodexRpcError.isInstance(error)) return undefined;
  if (/active writer/i.test(error.message)) return 'heldElsewhere';
  if (/is closing; retry/i.test(error.message)) return 'unloading';
  if (!error.isNoRollout()) return undefined;
  try {
    await client.readThread(threadId);
    return 'unloading';
  } catch {
    return undefined;
  }
}
