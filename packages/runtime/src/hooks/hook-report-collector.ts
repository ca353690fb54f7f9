import type { HookReport } from '@codexus/plugin';

/**
 * Gathers the hook reports of one call (e.g. a turn: PreTurn, PreToolUse, PostToolUse, PostTurn)
 * in the order they arrive, including those of hooks still running in the background (`track`).
 */
export class HookReportCollector {
  private readonly collected: HookReport[] = [];
  private readonly pending = new Set<Promise<unknown>>();

  /** The reports so far. */
  get reports(): readonly HookReport[] {
    return this.collected;
  }

  add(reports: readonly HookReport[]): void {
    this.collected.push(...reports);
  }

  /** Adds the reports of hooks that run in the background once they are done (a rejection adds none). */
  track(running: Promise<readonly HookReport[]>): void {
    const settled = running.then(
      (reports) => this.add(reports),
      () => {},
    );
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
  }

  /** Waits for the tracked hooks (bounded by their own time limits) and returns every report. */
  async settled(): Promise<HookReport[]> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    return [...this.collected];
  }
}
