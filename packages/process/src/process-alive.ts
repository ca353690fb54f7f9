import { readFileSync } from 'node:fs';

/**
 * Whether a process with this pid is running on this host, by `process.kill(pid, 0)` (no signal is
 * sent; the kernel only checks that the pid exists and may be signalled):
 * - `true` for this process itself (without a system call);
 * - `true` when the signal test succeeds, or fails with `EPERM`: the process exists, it just belongs
 *   to another user;
 * - `false` when it fails with `ESRCH` (no such process), or any other error;
 * - `false` for a zombie (on Linux, read from `/proc/<pid>/stat`): it has exited and only waits for
 *   its parent to reap it. Where `/proc` cannot be read, an existing pid counts as alive;
 * - `false` for a pid that is not a positive integer (`0` and negative pids would name a process
 *   group, not a process).
 *
 * A pid names a process only while it lives: once reaped, the pid may be reused by an unrelated
 * process, so `true` for an old pid says "some process has it", not "it is still the same one".
 */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (codeOf(error) !== 'EPERM') return false; // ESRCH: no such process
  }
  return !isZombie(pid);
}

/** Linux: the state field of `/proc/<pid>/stat` (after the parenthesised name) is `Z` or `X`. */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false; // no /proc here (or it is gone meanwhile: the next check sees that)
  }
  // The name may hold spaces and parentheses: the state follows the last `)`.
  const state = stat.slice(stat.lastIndexOf(')') + 1).trimStart()[0];
  return state === 'Z' || state === 'X';
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}
