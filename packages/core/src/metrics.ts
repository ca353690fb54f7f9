/** Counters kept by a connection. Cheap to update; `snapshot()` copies them. */
export interface ConnectionMetricsSnapshot {
  requests: number;
  responses: number;
  errors: number;
  notifications: number;
  notificationsByMethod: Record<string, number>;
  serverRequests: number;
  droppedLines: number;
  /** Responses whose id matched no pending request (late answers after an abort or a timeout). */
  unmatchedResponses: number;
  overloadRetries: number;
  bytesIn: number;
  bytesOut: number;
  pendingRequests: number;
  pendingServerRequests: number;
  /** Request round-trip latency per method: count, p50 and p95 in ms (over the last 1 000 calls). */
  latencyByMethod: Record<string, { count: number; p50Ms: number; p95Ms: number }>;
}

const LATENCY_WINDOW = 1_000;

export class ConnectionMetrics {
  requests = 0;
  responses = 0;
  errors = 0;
  notifications = 0;
  serverRequests = 0;
  droppedLines = 0;
  unmatchedResponses = 0;
  overloadRetries = 0;
  bytesIn = 0;
  bytesOut = 0;
  private readonly byMethod = new Map<string, number>();
  private readonly latencies = new Map<string, { count: number; window: number[] }>();

  recordNotification(method: string): void {
    this.notifications++;
    this.byMethod.set(method, (this.byMethod.get(method) ?? 0) + 1);
  }

  recordLatency(method: string, ms: number): void {
    let entry = this.latencies.get(method);
    if (!entry) {
      entry = { count: 0, window: [] };
      this.latencies.set(method, entry);
    }
    entry.count++;
    entry.window.push(ms);
    if (entry.window.length > LATENCY_WINDOW) entry.window.shift();
  }

  snapshot(pendingRequests: number, pendingServerRequests: number): ConnectionMetricsSnapshot {
    const latencyByMethod: ConnectionMetricsSnapshot['latencyByMethod'] = {};
    for (const [method, { count, window }] of this.latencies) {
      latencyByMethod[method] = { count, p50Ms: percentile(window, 0.5), p95Ms: percentile(window, 0.95) };
    }
    return {
      requests: this.requests,
      responses: this.responses,
      errors: this.errors,
      notifications: this.notifications,
      notificationsByMethod: Object.fromEntries(this.byMethod),
      serverRequests: this.serverRequests,
      droppedLines: this.droppedLines,
      unmatchedResponses: this.unmatchedResponses,
      overloadRetries: this.overloadRetries,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      pendingRequests,
      pendingServerRequests,
      latencyByMethod,
    };
  }
}

/** Nearest-rank percentile of `values` (0 when empty). */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[rank]! * 1000) / 1000;
}
