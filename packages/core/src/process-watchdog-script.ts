/**
 * The program run by {@link ProcessWatchdog} (`node -e`, so that it works the same from the
 * TypeScript sources and from `dist`): it spawns one command and ties that command's life to the
 * parent's, through the pipe on its stdin.
 *
 * `node -e SCRIPT -- DIR GRACE_MS COMMAND ...ARGS`
 *
 * - stdout: one JSON line per event, `{"pid":N}` once the command runs, then
 *   `{"exit":{"exitCode":C,"signal":S}}` (or `{"error":{"message","code"}}` if it could not start).
 * - stdin: one signal name per line (`SIGTERM`, `SIGKILL`, ...), sent to the command. End of file
 *   means the parent is gone, whatever killed it (SIGKILL included): DIR is removed, the command
 *   gets SIGTERM, then SIGKILL after GRACE_MS, and the watchdog exits when the command has.
 * - SIGTERM or SIGHUP to the watchdog itself: the same as end of file. SIGINT is ignored: the
 *   watchdog runs in its own process group, so a terminal's Ctrl-C reaches only the parent, whose
 *   policy decides.
 * - The command's stderr is the watchdog's own (the parent's pipe); its stdin and stdout are closed.
 * - `CODEXUS_WATCHDOG_NODE_OPTIONS` is given back to the command as `NODE_OPTIONS` (the parent
 *   moves it aside so that a debugger or loader meant for the program does not run in the watchdog).
 *
 * Kept in plain ES2020 without imports: it is source text, not a module of this package.
 */
export const PROCESS_WATCHDOG_SCRIPT = String.raw`'use strict';
const { spawn } = require('node:child_process');
const { rmSync } = require('node:fs');
const [dir, graceText, command, ...args] = process.argv.slice(1);
const graceMs = Number(graceText) || 0;
const env = { ...process.env };
delete env.NODE_OPTIONS;
if (env.CODEXUS_WATCHDOG_NODE_OPTIONS !== undefined) env.NODE_OPTIONS = env.CODEXUS_WATCHDOG_NODE_OPTIONS;
delete env.CODEXUS_WATCHDOG_NODE_OPTIONS;
const report = (message, then) => {
  try {
    process.stdout.write(JSON.stringify(message) + '\n', then);
  } catch {
    if (then) then();
  }
};
// A parent that is gone makes writes fail (EPIPE): that must not end the watchdog.
process.stdout.on('error', () => {});
let running = true;
let orphaned = false;
const removeDir = () => {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {}
};
const finish = (code) => {
  // The report must reach the pipe before the process ends (stdout is asynchronous on some systems).
  const timer = setTimeout(() => process.exit(code), 1000);
  return () => {
    clearTimeout(timer);
    process.exit(code);
  };
};
const signal = (name) => {
  try {
    if (running) child.kill(name);
  } catch {}
};
const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'inherit'], windowsHide: true });
child.on('spawn', () => report({ pid: child.pid }));
child.on('error', (error) => {
  // Only a failed start ends the watchdog; a later error (a failed kill) changes nothing.
  if (running && child.pid === undefined) {
    running = false;
    report({ error: { message: error.message, code: error.code } }, finish(1));
  }
});
child.on('exit', (exitCode, killedBy) => {
  running = false;
  if (orphaned) removeDir();
  report({ exit: { exitCode, signal: killedBy } }, finish(0));
});
const orphan = () => {
  if (orphaned) return;
  orphaned = true;
  removeDir();
  signal('SIGTERM');
  setTimeout(() => signal('SIGKILL'), graceMs).unref();
};
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop();
  for (const line of lines) if (/^SIG[A-Z0-9]+$/.test(line)) signal(line);
});
process.stdin.on('end', orphan);
process.stdin.on('close', orphan);
process.stdin.on('error', orphan);
process.on('SIGTERM', orphan);
process.on('SIGHUP', orphan);
process.on('SIGINT', () => {});
`;
