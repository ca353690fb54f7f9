/** Supervision: `never` (default), or respawn up to `maxRestarts` times, waiting `backoffMs` (doubling). */
export type RestartPolicy = 'never' | { maxRestarts: number; backoffMs?: number };

export function restartDelay(policy: RestartPolicy, attempt: number): number | undefined {
  if (policy === 'never' || attempt >= policy.maxRestarts) return undefined;
  return Math.min(30_000, (policy.backoffMs ?? 200) * 2 ** attempt);
}
