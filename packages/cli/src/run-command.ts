import { silentLogger, within } from '@codexus/core';
import type { AskOptions, Client, Session } from '@codexus/runtime';
import type { Command } from 'commander';
import { type AskDecision, cliApprovalHandler, DECISION_KEYS } from './approvals.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { connectClient, globalOptions } from './global-options.js';
import { InterruptControl } from './interrupt-control.js';
import { type CliJsonEvent, jsonEvent } from './json-events.js';
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
    .argument('[prompt...]', 'the prompt (default: stdin)');
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
      setExit(await runPrompt(words, flags, command, io));
    });
}

async function runPrompt(words: string[], flags: RunFlags, command: Command, io: CliIo): Promise<ExitCode> {
  const global = globalOptions(command);
  const config = sessionConfig(flags);
  const prompt = await readPrompt(words, process.stdin);
  const ask: AskOptions = {};
  if (flags.outputSchema !== undefined) ask.outputSchema = readSchemaFile(flags.outputSchema);
  if (flags.image.length > 0) ask.images = imagePaths(flags.image);

  const renderer = new TurnRenderer(io);
  const emit = (event: CliJsonEvent): void => void io.out.write(`${JSON.stringify(event)}\n`);
  const output: TurnOutput = flags.json ? { kind: 'json', emit } : { kind: 'human', renderer };
  const interactive = process.stdin.isTTY === true;
  let client: Client | undefined;
  let session: Session | undefined;
  let exiting = false;
  const control = new InterruptControl({
    interrupt: () => {
      if (!flags.json) renderer.note(renderer.style.yellow('interrupting the turn (Ctrl-C again to exit)'));
      void session?.interrupt().catch(() => {});
    },
    exit: () => void exitNow(EXIT_CODES.interrupted),
  });
  const keys = interactive ? new KeyInput(process.stdin, () => control.press()) : undefined;
  const onSigint = (): void => control.press();
  const onSigterm = (): void => void exitNow(EXIT_CODES.interrupted);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('SIGHUP', onSigterm);
  const exitNow = async (code: ExitCode): Promise<void> => {
    if (exiting) return;
    exiting = true;
    keys?.dispose();
    renderer.spinner.stop();
    await closeClient(client);
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
        ...(flags.json ? { emit } : {}),
        // The question is shown on stderr whenever someone is asked (with --json too).
        ...(!flags.json || askUser ? { renderer } : {}),
      }),
      ...(interactive ? { approvalTimeoutMs: 30 * 60_000 } : {}),
    });
    renderer.spinner.stop();
    if (flags.json)
      emit(
        jsonEvent({
          type: 'session',
          threadId: session.threadId,
          cwd: config.cwd,
          codexVersion: client.server.codexVersion ?? '',
        }),
      );
    if (control.pressed > 0) return EXIT_CODES.interrupted;
    return (await streamTurn(session, prompt, ask, output)).exitCode;
  } finally {
    renderer.spinner.stop();
    keys?.dispose();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    process.off('SIGHUP', onSigterm);
    if (!exiting) await closeClient(client);
  }
}

/** Closes the client (codex is shut down), waiting at most {@link SHUTDOWN_GRACE_MS}. */
export async function closeClient(client: Client | undefined): Promise<void> {
  if (client) await within(client.close(), SHUTDOWN_GRACE_MS);
}
