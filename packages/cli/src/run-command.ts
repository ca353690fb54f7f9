import { silentLogger } from '@codexus/core';
import { within } from '@codexus/core/internal';
import type { AskOptions, Client, Session } from '@codexus/runtime';
import type { Command } from 'commander';
import { type AskDecision, cliApprovalHandler, DECISION_KEYS } from './approvals.js';
import { EXIT_CODES, type ExitCode, usageError } from './exit-codes.js';
import { connectClient, globalOptions } from './global-options.js';
import { InterruptControl } from './interrupt-control.js';
import { jsonEvent } from './json-events.js';
import { JsonOutput } from './json-output.js';
import { KeyInput } from './key-input.js';
import { imagePaths, readPrompt, readSchemaFile } from './prompt-source.js';
import { streamTurn, type TurnOutput } from './run-turn.js';
import { addSessionOptions, type SessionFlags, sessionConfig } from './session-options.js';
import { type CliIo, TurnRenderer } from './turn-renderer.js';

/** How long a shutdown may wait for codex to close before the process exits anyway. */
export const SHUTDOWN_GRACE_MS = 5_000;

interface RunFlags extends SessionFlags {
  json?: boolean;
  outputSchema?: string;
  image: string[];
}

export function addRunCommand(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const run = program
    .command('run')
    .description('run one prompt: stream the answer, show commands and file changes, ask for approvals')
    .argument('[prompt...]', 'the prompt (default: stdin; piped stdin is appended to given words)');
  const jsonOutput = (): JsonOutput => new JsonOutput((line) => void io.out.write(line));
  addSessionOptions(run)
    .option('--output-schema <file>', 'a JSON Schema (file) the final answer must follow')
    .option('--json', 'print one JSON event per line (see docs/cli.md)')
    .option(
      '--image <path>',
      'attach an image (repeatable)',
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .action(async (words: string[], flags: RunFlags, command: Command) => {
      const json = flags.json ? jsonOutput() : undefined;
      try {
        setExit(await runPrompt(words, flags, command, io, json));
      } catch (error) {
        // Whatever ended the run before the turn could report (usage, codex did not start, ...).
        json?.fail(error);
        throw error;
      }
    })
    .configureOutput({
      // A parse error of `run` (unknown flag, bad choice) with --json: the result line too.
      outputError: (text, write) => {
        write(text);
        if (run.opts<RunFlags>().json || flagGiven(rawArgs(program), '--json'))
          jsonOutput().fail(usageError(text.trim().replace(/^error: /, '')));
      },
    });
}

/** The program's arguments as parsed (commander keeps them as `rawArgs`, untyped). */
function rawArgs(program: Command): readonly string[] {
  const { rawArgs: argv } = program as Command & { rawArgs?: unknown };
  return Array.isArray(argv) ? (argv as string[]) : [];
}

/** Whether `flag` is among the arguments (before a `--`). */
function flagGiven(argv: readonly string[], flag: string): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes(flag);
}

async function runPrompt(
  words: string[],
  flags: RunFlags,
  command: Command,
  io: CliIo,
  json: JsonOutput | undefined,
): Promise<ExitCode> {
  const global = globalOptions(command);
  const config = sessionConfig(flags);
  const prompt = await readPrompt(words, process.stdin);
  const ask: AskOptions = {};
  if (flags.outputSchema !== undefined) ask.outputSchema = readSchemaFile(flags.outputSchema);
  if (flags.image.length > 0) ask.images = imagePaths(flags.image);

  const renderer = new TurnRenderer(io);
  const output: TurnOutput = json ? { kind: 'json', json } : { kind: 'human', renderer };
  const interactive = process.stdin.isTTY === true;
  let client: Client | undefined;
  let session: Session | undefined;
  let exiting = false;
  const control = new InterruptControl({
    interrupt: () => {
      if (!json) renderer.note(renderer.style.yellow('interrupting the turn (Ctrl-C again to exit)'));
      void session?.interrupt().catch(() => {});
    },
    exit: () => void exitNow(EXIT_CODES.interrupted, 'exited: Ctrl-C pressed twice'),
  });
  const keys = interactive ? new KeyInput(process.stdin, () => control.press()) : undefined;
  const onSigint = (): void => control.press();
  const onSignal = (signal: NodeJS.Signals): void =>
    void exitNow(EXIT_CODES.interrupted, `exited on ${signal}`);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const exitNow = async (code: ExitCode, why: string): Promise<void> => {
    if (exiting) return;
    exiting = true;
    keys?.dispose();
    renderer.spinner.stop();
    json?.finish({ exitCode: code, status: 'interrupted', error: why });
    await closeClientNow(client);
    process.exit(code);
  };
  const askUser: AskDecision | undefined = keys
    ? async (_request, signal) => {
        renderer.spinner.stop();
        const key = await keys.nextKey(Object.keys(DECISION_KEYS), signal);
        return key === undefined ? undefined : DECISION_KEYS[key];
      }
    : undefined;
  try {
    renderer.thinking('starting codex');
    client = await connectClient(global, { logger: silentLogger });
    session = await client.startSession({
      ...config,
      approvalHandler: cliApprovalHandler({
        ...(askUser ? { ask: askUser } : {}),
        ...(json ? { emit: json.emit } : {}),
        // The question is shown on stderr whenever someone is asked (with --json too).
        ...(!json || askUser ? { renderer } : {}),
      }),
      ...(interactive ? { approvalTimeoutMs: 30 * 60_000 } : {}),
    });
    renderer.spinner.stop();
    json?.emit(
      jsonEvent({
        type: 'session',
        threadId: session.threadId,
        cwd: config.cwd,
        codexVersion: client.server.codexVersion ?? '',
      }),
    );
    if (control.pressed > 0) {
      json?.finish({
        exitCode: EXIT_CODES.interrupted,
        status: 'interrupted',
        error: 'interrupted before the turn',
      });
      return EXIT_CODES.interrupted;
    }
    return (await streamTurn(session, prompt, ask, output)).exitCode;
  } finally {
    renderer.spinner.stop();
    keys?.dispose();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    if (!exiting) await closeClient(client);
  }
}

/** Closes the client (codex is shut down), waiting at most {@link SHUTDOWN_GRACE_MS}. */
export async function closeClient(client: Client | undefined): Promise<void> {
  if (client) await within(client.close(), SHUTDOWN_GRACE_MS);
}

/**
 * Shuts codex down without waiting for the turn (the second Ctrl-C, a signal): the connection is
 * closed at once (stdin ended, then SIGTERM, then SIGKILL: a codex that does not answer any more,
 * even a stopped one, is gone within {@link SHUTDOWN_GRACE_MS}). `client.close()` would first
 * interrupt and await the running turn, which an unresponsive codex never ends.
 */
export async function closeClientNow(client: Client | undefined): Promise<void> {
  if (client) await within(client.runtime.close(), SHUTDOWN_GRACE_MS);
}
