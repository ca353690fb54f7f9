/** What `on(...)`-style subscriptions return: call `dispose()` (or use `using`) to unsubscribe. */
export interface Subscription {
  dispose(): void;
  [Symbol.dispose](): void;
}

export function toSubscription(dispose: () => void): Subscription {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    dispose();
  };
  return { dispose: once, [Symbol.dispose]: once };
}
