/** The last argument of every call that talks to the server. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Fails the call with `REQUEST_TIMEOUT` after this many ms. `0` or `Infinity` disables. */
  timeoutMs?: number;
}
