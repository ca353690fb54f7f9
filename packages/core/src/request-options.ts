import { CodexusError, validationError } from './errors.js';

/**
 * The last argument of every call that talks to the server.
 *
 * - `timeoutMs` bounds the whole call (overload retries and their backoff included). On expiry the
 *   call fails with `REQUEST_TIMEOUT`, message `<method> timed out after <N> ms`, and a cause of name
 *   `TimeoutError` with the same message. `0` or `Infinity` disables it; values above the timer range
 *   (2^31 − 1 ms, about 24.8 days) never fire; a negative or non-number value is `VALIDATION_FAILED`.
 * - `signal` is the caller's: when it aborts, for whatever reason (also an `AbortSignal.timeout()`),
 *   the call fails with `ABORTED`, the signal's `reason` as `cause`, and the reason's message in the
 *   error's message. Only `timeoutMs` produces `REQUEST_TIMEOUT`.
 */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Fails the call with `REQUEST_TIMEOUT` after this many ms. `0` or `Infinity` disables. */
  timeoutMs?: number;
}

/** Node's timers hold 32-bit signed delays; a longer one fires after 1 ms with a warning. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The cancellation of one call: one signal that aborts when the caller's signal does or the call's
 * deadline passes, whose `reason` is always the typed error to reject with. Dispose it on every path.
 */
export interface CallScope {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function callScope(method: string, options: RequestOptions, defaultTimeoutMs: number): CallScope {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0)
    throw validationError(
      'timeoutMs',
      `${method}: timeoutMs must be a number ≥ 0, got ${String(timeoutMs)}`,
      {
        method,
        value: timeoutMs,
      },
    );
  const controller = new AbortController();
  const user = options.signal;
  const onAbort = (): void => controller.abort(abortedError(method, user?.reason));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const dispose = (): void => {
    clearTimeout(timer);
    user?.removeEventListener('abort', onAbort);
  };
  controller.signal.addEventListener('abort', dispose, { once: true });
  if (user?.aborted) onAbort();
  else user?.addEventListener('abort', onAbort, { once: true });
  if (!controller.signal.aborted && timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS) {
    timer = setTimeout(() => controller.abort(timeoutError(method, timeoutMs)), timeoutMs);
    timer.unref?.();
  }
  return { signal: controller.signal, dispose };
}

function timeoutError(method: string, timeoutMs: number): CodexusError {
  const message = `${method} timed out after ${timeoutMs} ms`;
  return new CodexusError('REQUEST_TIMEOUT', message, {
    cause: new DOMException(message, 'TimeoutError'),
    data: { method, timeoutMs },
  });
}

function abortedError(method: string, reason: unknown): CodexusError {
  const why = reason instanceof Error ? reason.message : reason === undefined ? '' : String(reason);
  return new CodexusError('ABORTED', why ? `${method}: aborted (${why})` : `${method}: aborted`, {
    cause: reason,
  });
}
