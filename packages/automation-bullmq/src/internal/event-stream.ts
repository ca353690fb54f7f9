import type { Redis } from 'ioredis';
import type { DurableEvent } from '../types.js';

/** How long one XREAD blocks before the loop looks at the signal again (ms). */
const BLOCK_MS = 500;

/**
 * The ledger's events from now on (or from the start of the stream with `fromStart`), read with a
 * blocking XREAD on a connection of its own. Ends when `signal` aborts or the consumer stops.
 */
export async function* readEvents(
  redis: Redis,
  key: string,
  options: { signal?: AbortSignal; fromStart?: boolean } = {},
): AsyncGenerator<DurableEvent> {
  const { signal } = options;
  const conn = redis.duplicate();
  conn.on('error', () => undefined);
  const onAbort = () => conn.disconnect();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let last = '0-0';
    if (!options.fromStart) {
      const newest = await conn.xrevrange(key, '+', '-', 'COUNT', 1);
      last = newest[0]?.[0] ?? '0-0';
    }
    while (!signal?.aborted) {
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await conn.xread('COUNT', 100, 'BLOCK', BLOCK_MS, 'STREAMS', key, last)) as typeof reply;
      } catch (error) {
        if (signal?.aborted) return;
        throw error;
      }
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          last = id;
          const at = fields.indexOf('e');
          if (at >= 0) yield JSON.parse(fields[at + 1] ?? 'null') as DurableEvent;
        }
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    conn.disconnect();
  }
}
