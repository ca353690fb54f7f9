import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { globalOptions } from './global-options.js';

/** The `codexus-web` program of `@codexus/web` (its package.json `bin`), run as is. */
export function webBinPath(): string {
  const manifestPath = createRequire(import.meta.url).resolve('@codexus/web/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> };
  const bin = manifest.bin['codexus-web'];
  if (bin === undefined) throw new Error(`${manifestPath} has no codexus-web bin`);
  return join(dirname(manifestPath), bin);
}

/**
 * `codexus web [...]`: the HTTP + SSE bridge of `@codexus/web`, its own CLI run in a child process
 * (the flags are passed through; `--codex-home` becomes the child's CODEX_HOME, `--codex-bin` and
 * `--allow-untested-codex` are passed on). Ctrl-C reaches the bridge, which shuts codex down.
 */
export function addWebCommand(program: Command, setExit: (code: ExitCode) => void): void {
  program
    .command('web')
    .description('serve the web bridge (HTTP + SSE, browser approval page); flags: codexus web --help')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]', 'the flags of codexus-web')
    .action(async (flags: string[], _options: unknown, command: Command) => {
      const global = globalOptions(command);
      const args = [...flags];
      if (global.codexBin !== undefined) args.push('--codex-bin', global.codexBin);
      if (global.allowUntestedCodex) args.push('--allow-untested-codex');
      const env = {
        ...process.env,
        ...(global.codexHome !== undefined ? { CODEX_HOME: global.codexHome } : {}),
      };
      const child = spawn(process.execPath, [webBinPath(), ...args], { stdio: 'inherit', env });
      // The terminal's Ctrl-C reaches the child too (same process group): wait for it to shut down.
      const forward = (signal: NodeJS.Signals) => (): void => void child.kill(signal);
      const onInt = forward('SIGINT');
      const onTerm = forward('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      try {
        const code = await new Promise<number>((resolve) => {
          child.once('error', () => resolve(EXIT_CODES.failed));
          child.once('exit', (exitCode, signal) =>
            resolve(exitCode ?? (signal === 'SIGINT' ? EXIT_CODES.interrupted : EXIT_CODES.failed)),
          );
        });
        setExit(code as ExitCode);
      } finally {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      }
    });
}
