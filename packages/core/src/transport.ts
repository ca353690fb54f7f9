/**
 * A Transport moves JSON-RPC message texts between us and one app-server. Framing, JSON-RPC, routing
 * and metrics live above it and never assume a child process; process concerns (spawn, stderr, exit
 * code, shutdown ladder) live in the stdio transport alone.
 */

/** Why a transport closed. Attached (as `data`) to the CONNECTION_CLOSED error of pending work. */
export interface TransportCloseInfo {
  reason: string;
  exitCode?: number | null;
  signal?: string | null;
  /** The last bytes the server wrote on stderr (stdio transport). */
  stderrTail?: string;
  error?: unknown;
}

/** What a transport tells the connection. */
export interface TransportSink {
  /** One complete message text (one line on stdio, one frame on WebSocket). */
  message(text: string): void;
  /** A frame that could not be delivered (e.g. a line over the size limit); the connection goes on. */
  dropped(reason: string, detail: { bytes: number; preview: string }): void;
  /** Raw bytes received (for metrics). */
  bytesIn?(count: number): void;
  /** The transport is gone (process exit, socket close, error). Called once. */
  closed(info: TransportCloseInfo): void;
}

export interface Transport {
  /** e.g. 'stdio', 'websocket', 'memory'. */
  readonly kind: string;
  /** Starts delivering to `sink`; rejects if the server cannot be reached (typed `SPAWN_FAILED` etc.). */
  start(sink: TransportSink): Promise<void>;
  /** Sends one message text. Ordered: resolves once written (respecting backpressure). */
  send(text: string): Promise<void>;
  /** Closes gracefully, escalating if needed. Idempotent; resolves when the transport is gone. */
  close(): Promise<void>;
}
