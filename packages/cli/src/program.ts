import { Command, CommanderError } from 'commander';
import { addChatCommand } from './chat-command.js';
import { addDoctorCommand } from './doctor-command.js';
import { EXIT_CODES, type ExitCode, exitCodeOf } from './exit-codes.js';
import { addGlobalOptions } from './global-options.js';
import { addRunCommand } from './run-command.js';
import { addThreadsCommand } from './threads-command.js';
import type { CliIo } from './turn-renderer.js';
import { CLI_VERSION } from './version.js';
import { addWebCommand } from './web-command.js';

/** The `codexus` program (commander), writing to `io`; `setExit` receives each command's exit code. */
export function createProgram(io: CliIo, setExit: (code: ExitCode) => void): Command {
  const program = new Command('codexus')
    .description('drive the codex app-server from a shell: run a prompt, chat, list threads, check the setup')
    .version(CLI_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.out.write(text),
      writeErr: (text) => void io.err.write(text),
    });
  addGlobalOptions(program);
  addRunCommand(program, io, setExit);
  addChatCommand(program, io, setExit);
  addThreadsCommand(program, io, setExit);
  addDoctorCommand(program, io, setExit);
  addWebCommand(program, setExit);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/**
 * Runs the CLI on `argv` (without the node and script entries) and resolves with the exit code:
 * 0 ok, 1 failed, 2 usage, 130 interrupted. Errors are printed on `io.err`, never thrown.
 */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo()): Promise<ExitCode> {
  let code: ExitCode = EXIT_CODES.ok;
  const program = createProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help / --version end with exit code 0; every parse error is a usage error.
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    io.err.write(`codexus: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodeOf(error);
  }
}

function defaultIo(): CliIo {
  return { out: process.stdout, err: process.stderr };
}
