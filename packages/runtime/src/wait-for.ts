import {
  CodexusError,
  type ServerNotification,
  type Subscription,
  type TransportCloseInfo,
} from '@codexus/core';
import { type CallScope, callScope } from '@codexus/core/internal';

/** Bounds of a `waitFor`, as for a request: `timeoutMs` (default 120 000; `0` or `Infinity` disables) and a signal. */
export interface WaitForOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/** What `waitFor` listens on: a runtime's notifications and its final close. */
export interface NotificationSource {
  on(method: string, listener: (notification: ServerNotification) => void): Subscription;
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
  let scope: CallScope;
  try {
    // One deadline and signal, with the typed REQUEST_TIMEOUT / ABORTED errors of every request.
    scope = callScope(`waitFor ${method}`, options, DEFAULT_WAIT_TIMEOUT_MS);
  } catch (error) {
    return Promise.reject(error);
  }
  const { signal } = scope;
  if (signal.aborted) {
    scope.dispose();
    return Promise.reject(signal.reason);
  }
  return new Promise<ServerNotification>((resolve, reject) => {
    let done = false;
    const finish = (settle: () => void): void => {
      if (done) return;
      done = true;
      subscription.dispose();
      signal.removeEventListener('abort', onAbort);
      scope.dispose();
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
    const onAbort = (): void => finish(() => reject(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
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
