/** What `on(...)`-style subscriptions return: call `dispose()` (or use `using`) to unsubscribe. */
export interface Disposable {
  dispose(): void;
  [Symbol.dispose](): void;
}

export function toDisposable(dispose: () => void): Disposable {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    dispose();
  };
  return { dispose: once, [Symbol.dispose]: once };
}
