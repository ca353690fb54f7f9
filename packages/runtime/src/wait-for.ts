import {
  CodexusError,
  type Disposable,
  type ServerNotification,
  type TransportCloseInfo,
} from '@codexus/core';

/** Bounds of a `waitFor`: `timeoutMs` (default 120 000; `0` or `Infinity` waits without a timer) and a signal. */
export interface WaitForOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/** What `waitFor` listens on: a runtime's notifications and its final close. */
export interface NotificationSource {
  on(method: string, listener: (notification: ServerNotification) => void): Disposable;
  readonly closed: Promise<TransportCloseInfo>;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 120_000;

/**
 * The first notification of `method` (after the call) for which `predicate` is true. Rejects with
 * `REQUEST_TIMEOUT` after `timeoutMs`, `ABORTED` when the signal aborts (cause: its reason),
 * `CONNECTION_CLOSED` when the runtime closes for good, or with what `predicate` threw. The listener
 * and timer are removed whichever way it ends.
 */
export function waitForNotification(
  source: NotificationSource,
  method: string,
  predicate: ((notification: ServerNotification) => boolean) | undefined,
  options: WaitForOptions = {},
): Promise<ServerNotification> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    return Promise.reject(
      new CodexusError('VALIDATION_FAILED', `waitFor ${method}: timeoutMs must be a non-negative number`, {
        data: { path: 'timeoutMs', timeoutMs },
      }),
    );
  }
  const { signal } = options;
  if (signal?.aborted) {
    return Promise.reject(
      new CodexusError('ABORTED', `waitFor ${method}: aborted`, { cause: signal.reason, data: { method } }),
    );
  }
  return new Promise<ServerNotification>((resolve, reject) => {
    let done = false;
    const finish = (settle: () => void): void => {
      if (done) return;
      done = true;
      subscription.dispose();
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const subscription = source.on(method, (notification) => {
      let matched: boolean;
      try {
        matched = predicate === undefined || predicate(notification);
      } catch (error) {
        finish(() => reject(error));
        return;
      }
      if (matched) finish(() => resolve(notification));
    });
    const onAbort = (): void =>
      finish(() =>
        reject(
          new CodexusError('ABORTED', `waitFor ${method}: aborted`, {
            cause: signal?.reason,
            data: { method },
          }),
        ),
      );
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      timeoutMs > 0 && Number.isFinite(timeoutMs) && timeoutMs <= 2 ** 31 - 1
        ? setTimeout(
            () =>
              finish(() =>
                reject(
                  new CodexusError(
                    'REQUEST_TIMEOUT',
                    `waitFor ${method}: nothing matched within ${timeoutMs} ms`,
                    {
                      data: { method, timeoutMs },
                    },
                  ),
                ),
              ),
            timeoutMs,
          )
        : undefined;
    void source.closed.then((info) =>
      finish(() =>
        reject(
          new CodexusError('CONNECTION_CLOSED', `waitFor ${method}: the runtime closed (${info.reason})`, {
            data: { method, ...info },
          }),
        ),
      ),
    );
  });
}
