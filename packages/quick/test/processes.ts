import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';

/**
 * Process checks for "no codex left behind", read from /proc (Linux). Both are one bounded pass over
 * /proc: no waiting, no retries. A process that vanishes or cannot be read mid-scan is skipped.
 */

export const procAvailable = process.platform === 'linux';

function pids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined; // exited meanwhile, or not ours to read
  }
}

/** Direct children of this process (any state, zombies included: an unreaped child counts as left behind). */
export function childPids(): number[] {
  return pids().filter((pid) => {
    const stat = read(`/proc/${pid}/stat`);
    if (stat === undefined) return false;
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return ppid === process.pid;
  });
}

/**
 * Every process whose environment holds `CODEX_HOME=<home>`: codex itself and anything it started
 * (children inherit the environment, also after they were re-parented when codex died).
 */
export function processesWithCodexHome(home: string): number[] {
  const entry = `CODEX_HOME=${home}`;
  return pids().filter((pid) => read(`/proc/${pid}/environ`)?.split('\0').includes(entry) ?? false);
}

/**
 * "Nothing left" for a test file: `mark()` (in beforeEach) remembers this process's children;
 * `expectNothingLeft()` asserts the same children now and no process with the given CODEX_HOME.
 */
export function leakCheck(codexHome: () => string): {
  mark(): void;
  /** The children at `mark()`. */
  readonly before: readonly number[];
  expectNothingLeft(): void;
} {
  let before: number[] = [];
  return {
    mark: () => {
      before = childPids();
    },
    get before() {
      return before;
    },
    expectNothingLeft: () => {
      expect(childPids()).toEqual(before);
      expect(processesWithCodexHome(codexHome())).toEqual([]);
    },
  };
}
