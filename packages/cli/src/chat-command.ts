import { createInterface, type Interface } from 'node:readline';
import { silentLogger } from '@codexus/core';
import type { Client, Session, SessionConfig } from '@codexus/runtime';
import type { Command } from 'commander';
import { type AskDecision, cliApprovalHandler, DECISION_HINT, DECISION_KEYS } from './approvals.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { connectClient, globalOptions } from './global-options.js';
import { InterruptControl } from './interrupt-control.js';
import { closeClient, closeClientNow } from './run-command.js';
import { streamTurn } from './run-turn.js';
import { addSessionOptions, type SessionFlags, sessionConfig } from './session-options.js';
import { type CliIo, TurnRenderer } from './turn-renderer.js';

const HELP = `commands: /interrupt  /steer TEXT  /new  /resume ID  /exit  (anything else is a prompt)`;

/** `codexus chat`: a multi-turn session in one thread, read line by line. */
export function addChatCommand(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const chat = program.command('chat').description('a multi-turn session in one thread (/help inside)');
  addSessionOptions(chat)
    .option('--resume <id>', 'continue this stored thread')
    .action(async (flags: SessionFlags & { resume?: string }, command: Command) => {
      const global = globalOptions(command);
      const config = sessionConfig(flags);
      const client = await connectClient(global, { logger: silentLogger });
      let code: ExitCode | undefined;
      try {
        code = await new ChatLoop(client, config, io).run(flags.resume);
        setExit(code);
      } finally {
        // Ctrl-C twice: codex is shut down at once, the running turn is not waited for.
        await (code === EXIT_CODES.interrupted ? closeClientNow : closeClient)(client);
      }
    });
}

/** The read-eval loop of `codexus chat`. */
class ChatLoop {
  private readonly renderer: TurnRenderer;
  private readonly rl: Interface;
  private session: Session | undefined;
  private turn: Promise<unknown> | undefined;
  /** Prompts and /new, /resume, /exit lines, run in order (a line typed during a turn waits for it). */
  private readonly queued: string[] = [];
  private pumping = false;
  private inputClosed = false;
  private pendingApproval: ((key: string | undefined) => void) | undefined;
  private readonly control: InterruptControl;
  private finish!: (code: ExitCode) => void;
  private readonly finished = new Promise<ExitCode>((resolve) => {
    this.finish = resolve;
  });

  constructor(
    private readonly client: Client,
    private readonly config: SessionConfig,
    io: CliIo,
  ) {
    this.renderer = new TurnRenderer(io);
    this.rl = createInterface({
      input: process.stdin,
      output: io.err,
      terminal: process.stdin.isTTY === true,
    });
    this.rl.setPrompt('› ');
    this.control = new InterruptControl({
      interrupt: () => {
        this.renderer.note('interrupting the turn (Ctrl-C again to exit)');
        void this.session?.interrupt().catch(() => {});
      },
      exit: () => this.finish(EXIT_CODES.interrupted),
    });
    // Listen at once: piped lines arrive while the session is still starting.
    this.rl.on('line', (line) => this.onLine(line.trim()));
    this.rl.on('SIGINT', () => (this.turn ? this.control.press() : this.finish(EXIT_CODES.ok)));
    this.rl.on('close', () => {
      this.inputClosed = true;
      this.pendingApproval?.(undefined);
      if (!this.pumping && this.queued.length === 0) this.finish(EXIT_CODES.ok);
    });
    this.rl.pause();
  }

  async run(resume: string | undefined): Promise<ExitCode> {
    try {
      await this.open(resume);
    } catch (error) {
      this.rl.close();
      throw error;
    }
    this.rl.resume();
    void this.pump();
    const code = await this.finished;
    this.rl.close();
    if (code !== EXIT_CODES.interrupted) await this.session?.close();
    return code;
  }

  private async open(resume: string | undefined): Promise<void> {
    await this.session?.close();
    // Without a terminal (piped input) approvals are declined (fail closed), as `run` does.
    const interactive = process.stdin.isTTY === true;
    const approvalHandler = cliApprovalHandler({
      renderer: this.renderer,
      ...(interactive ? { ask: this.ask } : {}),
    });
    this.session = resume
      ? await this.client.resumeSession(resume, { ...this.config, approvalHandler })
      : await this.client.startSession({ ...this.config, approvalHandler, approvalTimeoutMs: 30 * 60_000 });
    this.renderer.note(this.renderer.style.dim(`thread ${this.session.threadId} (${HELP})`));
  }

  private readonly ask: AskDecision = (_request, signal) =>
    new Promise((resolve) => {
      // Input already closed: nobody can answer, decline at once instead of waiting for the timeout.
      if (this.inputClosed || signal.aborted) {
        resolve(undefined);
        return;
      }
      this.pendingApproval = (key) => {
        this.pendingApproval = undefined;
        resolve(key === undefined ? undefined : DECISION_KEYS[key]);
      };
      signal.addEventListener('abort', () => this.pendingApproval?.(undefined), { once: true });
    });

  private onLine(line: string): void {
    if (this.pendingApproval) {
      const key = line.toLowerCase();
      if (Object.hasOwn(DECISION_KEYS, key)) this.pendingApproval(key);
      else this.renderer.note(DECISION_HINT);
      return;
    }
    const [word = '', ...rest] = line.split(/\s+/);
    if (word === '/interrupt' || word === '/steer' || word === '/help') {
      void this.now(word, rest.join(' '));
      return;
    }
    if (line === '') {
      this.rl.prompt();
      return;
    }
    this.queued.push(line);
    void this.pump();
  }

  /** The commands that act at once, during a turn. */
  private async now(word: string, arg: string): Promise<void> {
    try {
      if (word === '/help') return this.renderer.note(HELP);
      if (!this.turn) return this.renderer.note('no turn is running');
      if (word === '/interrupt') await this.session?.interrupt();
      else if (arg === '') this.renderer.note('usage: /steer TEXT');
      else await this.session?.steer(arg);
    } catch (error) {
      this.renderer.note(`codexus: ${(error as Error).message}`);
    }
  }

  /** Runs the queued lines in order, one at a time. */
  private async pump(): Promise<void> {
    if (this.pumping || !this.session) return;
    this.pumping = true;
    try {
      for (let line = this.queued.shift(); line !== undefined; line = this.queued.shift()) {
        if (!(await this.execute(line))) return this.finish(EXIT_CODES.ok);
      }
    } finally {
      this.pumping = false;
    }
    if (this.inputClosed) this.finish(EXIT_CODES.ok);
    else this.rl.prompt();
  }

  /** One queued line; false = /exit. */
  private async execute(line: string): Promise<boolean> {
    const [word = '', ...rest] = line.split(/\s+/);
    const arg = rest.join(' ');
    try {
      if (word === '/exit' || word === '/quit') return false;
      if (word === '/new') await this.open(undefined);
      else if (word === '/resume') {
        if (arg === '') this.renderer.note('usage: /resume ID');
        else await this.open(arg);
      } else if (word.startsWith('/')) this.renderer.note(`unknown command ${word}; ${HELP}`);
      else if (this.session) {
        this.control.reset();
        this.turn = streamTurn(this.session, line, {}, { kind: 'human', renderer: this.renderer });
        await this.turn;
      }
    } catch (error) {
      this.renderer.note(`codexus: ${(error as Error).message}`);
    } finally {
      this.turn = undefined;
    }
    return true;
  }
}
