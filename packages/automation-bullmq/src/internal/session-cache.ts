import type { Session } from '@codexus/runtime';

/**
 * A worker's open sessions (`keepSessions`), one per schedule, so the next run on the same worker
 * skips `thread/resume`. A cached session is only used when this worker ran the schedule's last turn on
 * that thread (otherwise another codex may have added turns this one does not hold): it is closed,
 * and the thread resumed afresh.
 */
export class SessionCache {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly max = 64) {}

  /** The cached session when it is still current; else closes it (awaited) and returns undefined. */
  async take(scheduleId: string, current: { threadId?: string; lastWorker?: string }, worker: string) {
    const session = this.sessions.get(scheduleId);
    this.sessions.delete(scheduleId);
    if (session === undefined) return undefined;
    if (!session.isClosed && session.threadId === current.threadId && current.lastWorker === worker)
      return session;
    await session.close().catch(() => undefined);
    return undefined;
  }

  /** Keeps `session` for the schedule's next run here (closing the oldest beyond `max`). */
  async keep(scheduleId: string, session: Session): Promise<void> {
    if (session.isClosed) return;
    this.sessions.set(scheduleId, session);
    if (this.sessions.size <= this.max) return;
    const [oldest, stale] = this.sessions.entries().next().value as [string, Session];
    this.sessions.delete(oldest);
    await stale.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(all.map((s) => s.close()));
  }
}
