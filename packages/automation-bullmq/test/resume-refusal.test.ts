import { CodexRpcError } from '@codexus/core';
import type { Client } from '@codexus/runtime';
import { describe, expect, it } from 'vitest';
import { resumeRefusedForNow } from '../src/internal/resume-refusal.js';

/** Only `readThread` is read; it succeeds when the thread is stored in this codex's home. */
function clientWhere(stored: boolean): { client: Client; reads: string[] } {
  const reads: string[] = [];
  const client = {
    readThread: async (threadId: string) => {
      reads.push(threadId);
      if (!stored) throw new CodexRpcError('thread/read', -32600, `thread not loaded: ${threadId}`);
      return { thread: { id: threadId } };
    },
  } as unknown as Client;
  return { client, reads };
}

const refusal = (message: string) => new CodexRpcError('thread/resume', -32600, message);

describe('resumeRefusedForNow (which thread/resume refusals are retried)', () => {
  it('active writer and closing are momentary, without reading the thread', async () => {
    const { client, reads } = clientWhere(false);
    expect(await resumeRefusedForNow(client, 't', refusal('thread t already has an active writer'))).toBe(
      'heldElsewhere',
    );
    expect(
      await resumeRefusedForNow(
        client,
        't',
        refusal('thread t is closing; retry thread/resume after the thread is closed'),
      ),
    ).toBe('unloading');
    expect(reads).toEqual([]);
  });

  it('no rollout found: momentary when codex can read the thread, unreachable when it cannot', async () => {
    const noRollout = refusal('no rollout found for thread id t');
    const here = clientWhere(true);
    expect(await resumeRefusedForNow(here.client, 't', noRollout)).toBe('unloading');
    expect(here.reads).toEqual(['t']);
    const elsewhere = clientWhere(false);
    expect(await resumeRefusedForNow(elsewhere.client, 't', noRollout)).toBeUndefined();
    expect(elsewhere.reads).toEqual(['t']);
  });

  it('other refusals and non-RPC errors are not retried', async () => {
    const { client, reads } = clientWhere(true);
    expect(await resumeRefusedForNow(client, 't', refusal('session t is archived'))).toBeUndefined();
    expect(await resumeRefusedForNow(client, 't', new Error('thread t is closing; retry'))).toBeUndefined();
    expect(reads).toEqual([]);
  });
});
