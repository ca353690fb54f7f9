/**
 * Synchronous cleanups that must run however the program ends: on `process.exit`/a drained event
 * loop (`'exit'`), and on SIGINT, SIGTERM or SIGHUP **when the program has no handler of its own**
 * for that signal.
 *
 * Node's default for those signals is to die at once, without `'exit'`. A listener would change that
 * default, so ours keeps it: when the signal arrives and ours is the only listener, it runs the
 * cleanups, removes itself and re-raises the signal, so that the program still dies *by that
 * signal* (exit status 128 + n, as the shell expects). When the program has listeners of its own,
 * it has chosen what the signal means (a graceful shutdown, or "cancel the current turn" in a REPL):
 * ours then does nothing, and the cleanups run on `'exit'` if and when the program exits.
 * Our listener is prepended, so it sees the program's `once` listeners before they remove themselves.
 *
 * The listeners exist only while at least one cleanup is registered. A death that runs no JavaScript
 * at all (SIGKILL, a native crash) is covered by the process watchdog, not here.
 */
const cleanups = new Set<() => void>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Registers `cleanup` (synchronous, must not throw) until the returned function is called. */
export function onProcessExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  if (cleanups.size === 1) install();
  return () => {
    if (cleanups.delete(cleanup) && cleanups.size === 0) uninstall();
  };
}

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    try {
      cleanup();
    } catch {}
  }
  cleanups.clear();
}

const onExit = (): void => runAll();

const onSignal = (signal: NodeJS.Signals): void => {
  if (process.listenerCount(signal) > 1) return;
  runAll();
  uninstall();
  // No listener is left, so Node has restored the default action: the signal ends the process.
  process.kill(process.pid, signal);
};

function install(): void {
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
}

function uninstall(): void {
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}
