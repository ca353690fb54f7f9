import { type LogEntry, RevisionLogStore } from './internal/revision-log-store.js';

/** An {@link ArtifactStore} in memory: for tests and short-lived programs. Every revision is kept. */
export class MemoryArtifactStore extends RevisionLogStore {
  private readonly logs = new Map<string, LogEntry[]>();

  protected async lastSeq(artifactId: string): Promise<number> {
    return this.logs.get(artifactId)?.length ?? 0;
  }

  protected async readEntry(artifactId: string, seq: number): Promise<LogEntry> {
    return this.logs.get(artifactId)![seq - 1]!;
  }

  protected async appendEntry(artifactId: string, entry: LogEntry): Promise<boolean> {
    const log = this.logs.get(artifactId) ?? [];
    if (entry.seq !== log.length + 1) return false;
    log.push(Object.freeze(structuredClone(entry)));
    this.logs.set(artifactId, log);
    return true;
  }
}
