const CTRL_C = '\x03';

/**
 * Single keys from a terminal in raw mode. Raw mode matters for Ctrl-C: the terminal then sends the
 * byte 0x03 to us instead of SIGINT to the whole process group (which would kill the codex child too),
 * so the first Ctrl-C can interrupt the turn while codex keeps running.
 */
export class KeyInput {
  private waiter: { keys: readonly string[]; resolve: (key: string | undefined) => void } | undefined;
  private readonly onData = (chunk: Buffer | string): void => {
    for (const key of String(chunk)) {
      if (key === CTRL_C) this.onInterrupt();
      else if (this.waiter?.keys.includes(key.toLowerCase())) {
        const { resolve } = this.waiter;
        this.waiter = undefined;
        resolve(key.toLowerCase());
      }
    }
  };
  private disposed = false;

  constructor(
    private readonly stdin: NodeJS.ReadStream,
    private readonly onInterrupt: () => void,
  ) {
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', this.onData);
    stdin.resume();
  }

  /** Resolves with the next key among `keys` (lower-cased), or undefined when `signal` aborts. */
  nextKey(keys: readonly string[], signal: AbortSignal): Promise<string | undefined> {
    if (this.disposed || signal.aborted) return Promise.resolve(undefined);
    this.waiter?.resolve(undefined);
    return new Promise((resolve) => {
      const waiter = { keys, resolve };
      this.waiter = waiter;
      signal.addEventListener(
        'abort',
        () => {
          if (this.waiter === waiter) this.waiter = undefined;
          resolve(undefined);
        },
        { once: true },
      );
    });
  }

  /** Gives the terminal back (cooked mode, stdin paused). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.waiter?.resolve(undefined);
    this.waiter = undefined;
    this.stdin.off('data', this.onData);
    if (this.stdin.isTTY) this.stdin.setRawMode(false);
    this.stdin.pause();
  }
}
