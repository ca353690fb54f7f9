export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs `fn` and reports how it ended, never throwing (so the caller's next step always runs). */
export async function settle<T>(fn: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}
