/** Runs a telemetry step; a fault in it never reaches the connection or the caller. */
export function guard(fn: () => void): void {
  try {
    fn();
  } catch {
    // Telemetry must never break the connection.
  }
}
