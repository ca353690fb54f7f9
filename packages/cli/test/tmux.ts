import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processAlive } from '@codexus/testkit';

/** The built CLI (`pnpm --filter @codexus/cli run build` first; the test setup builds it). */
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const EXIT_MARK = '[codexus exited ';

/** tmux on PATH, or undefined. With `CI` set a missing tmux is an error, not a skip. */
export function findTmux(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, 'tmux');
    if (dir && existsSync(candidate)) return candidate;
  }
  if (process.env.CI)
    throw new Error('tmux is missing: the CLI terminal tests need it (apt-get install tmux)');
  return undefined;
}

export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * A private tmux server (its own socket) whose panes run the real `codexus` binary in a pseudo-
 * terminal. `dispose()` kills the server and every pane.
 */
export class Tmux implements AsyncDisposable {
  private count = 0;

  private constructor(
    private readonly bin: string,
    private readonly dir: string,
  ) {}

  static async start(bin: string): Promise<Tmux> {
    return new Tmux(bin, await mkdtemp(join(tmpdir(), 'codexus-cli-tmux-')));
  }

  /** tmux with this server's socket. */
  tmux(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        this.bin,
        ['-S', join(this.dir, 'sock'), '-f', '/dev/null', ...args],
        { timeout: 10_000 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
  }

  /**
   * Runs `codexus <args>` in a new 200x50 pane with `env` added; the pane prints the exit code and
   * stays open. `shellSuffix` is appended to the command line (e.g. `> out.jsonl`).
   */
  async codexus(
    args: string[],
    env: Readonly<Record<string, string | undefined>>,
    shellSuffix = '',
  ): Promise<Pane> {
    const name = `p${++this.count}`;
    const vars = Object.entries(env)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => `${k}=${shellQuote(v)}`);
    const line = `env ${vars.join(' ')} ${shellQuote(process.execPath)} ${shellQuote(CLI)} ${args.map(shellQuote).join(' ')} ${shellSuffix}`;
    // The pane's shell survives a Ctrl-C that reaches the whole foreground group (a trap with a
    // command is reset to the default in the children, so codexus still gets SIGINT).
    const script = `trap 'true' INT; ${line}; echo "${EXIT_MARK}$?]"; sleep 600`;
    await this.tmux('new-session', '-d', '-s', name, '-x', '200', '-y', '50', 'sh', '-c', script);
    return new Pane(this, name);
  }

  async dispose(): Promise<void> {
    await this.tmux('kill-server').catch(() => {});
    await rm(this.dir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** One pane: its screen (with scrollback), keys, and the exit code of the command. */
export class Pane {
  constructor(
    private readonly server: Tmux,
    readonly name: string,
  ) {}

  screen(): Promise<string> {
    return this.server.tmux('capture-pane', '-p', '-J', '-S', '-2000', '-t', this.name);
  }

  /** Sends keys as tmux names them (`a`, `Enter`, `C-c`). */
  async send(...keys: string[]): Promise<void> {
    await this.server.tmux('send-keys', '-t', this.name, ...keys);
  }

  /** Resolves with the screen once `check` holds on it; rejects (with the screen) after `timeoutMs`. */
  async waitFor(
    check: RegExp | ((screen: string) => boolean),
    what: string,
    timeoutMs = 20_000,
  ): Promise<string> {
    const test = typeof check === 'function' ? check : (s: string) => check.test(s);
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = await this.screen();
      if (test(screen)) return screen;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen:\n${screen}`);
  }

  /** The exit code of the codexus command (waits for it to end). */
  async exitCode(timeoutMs = 30_000): Promise<{ code: number; screen: string }> {
    const screen = await this.waitFor((s) => s.includes(EXIT_MARK), 'the command to exit', timeoutMs);
    const code = Number(new RegExp(`${EXIT_MARK.replace('[', '\\[')}(\\d+)\\]`).exec(screen)?.[1]);
    return { code, screen };
  }

  /** The pid of the pane's shell. */
  async pid(): Promise<number> {
    return Number((await this.server.tmux('display-message', '-p', '-t', this.name, '#{pane_pid}')).trim());
  }

  /** The `codex app-server` processes running under the pane (the CLI's codex). */
  async codexProcesses(): Promise<{ pid: number; command: string }[]> {
    return descendants(await this.pid()).filter((p) => /\bcodex\b.*app-server/.test(p.command));
  }
}

/** Every process under `pid` (children, grandchildren, ...), from `ps`. */
export function descendants(pid: number): { pid: number; command: string }[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), command: m[3] ?? '' }));
  const found: { pid: number; command: string }[] = [];
  const walk = (parent: number): void => {
    for (const row of rows.filter((r) => r.ppid === parent)) {
      found.push({ pid: row.pid, command: row.command });
      walk(row.pid);
    }
  };
  walk(pid);
  return found;
}

/** The processes among `processes` still alive after waiting at most `timeoutMs` for them to exit. */
export async function survivors<P extends { pid: number }>(
  processes: readonly P[],
  timeoutMs = 10_000,
): Promise<P[]> {
  const deadline = Date.now() + timeoutMs;
  while (processes.some((p) => processAlive(p.pid)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  return processes.filter((p) => processAlive(p.pid));
}
