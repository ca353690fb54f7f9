/**
 * Supervision: `never` (default), or respawn (local) / reconnect (remote) up to `maxRestarts` times
 * per outage, waiting `backoffMs`, doubling up to 30 s. The budget is full again once a connection
 * stayed up for 30 s, so a crash loop still stops after `maxRestarts`.
 */
export type RestartPolicy = 'never' | { maxRestarts: number; backoffMs?: number };

export function restartDelay(policy: RestartPolicy, attempt: number): number | undefined {
  if (policy === 'never' || attempt >= policy.maxRestarts) return undefined;
  return Math.min(30_000, (policy.backoffMs ?? 200) * 2 ** attempt);
}
