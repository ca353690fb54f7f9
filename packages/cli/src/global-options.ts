import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Client, ClientConfig } from '@codexus/runtime';
import type { Command } from 'commander';
import { usageError } from './exit-codes.js';
import { CLI_VERSION } from './version.js';

/** The options every command takes (declared once on the program, accepted after the command too). */
export interface GlobalOptions {
  /** A CODEX_HOME for codex (e.g. a testkit-prepared home); default: codex's own (`~/.codex`). */
  codexHome?: string;
  /** The codex binary; default: resolved like `@codexus/core` does. */
  codexBin?: string;
  /** Accept a codex older than the supported range. */
  allowUntestedCodex?: boolean;
}

/** Declares the global options on the program. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option('--codex-home <dir>', 'CODEX_HOME for codex (a prepared home, e.g. from @codexus/testkit)')
    .option('--codex-bin <path>', 'the codex binary (default: CODEXUS_CODEX_BIN, @openai/codex, PATH)')
    .option('--allow-untested-codex', 'accept a codex older than the supported range');
}

/** The global options of a command, checked: `--codex-home` must be an existing directory. */
export function globalOptions(command: Command): GlobalOptions {
  const all = command.optsWithGlobals<GlobalOptions>();
  const options: GlobalOptions = {};
  if (all.codexHome !== undefined) options.codexHome = existingDirectory(all.codexHome, '--codex-home');
  if (all.codexBin !== undefined) options.codexBin = resolve(all.codexBin);
  if (all.allowUntestedCodex) options.allowUntestedCodex = true;
  return options;
}

/** `path` resolved, or a usage error naming the flag when it is not a directory. */
export function existingDirectory(path: string, flag: string): string {
  const full = resolve(path);
  let isDirectory = false;
  try {
    isDirectory = statSync(full).isDirectory();
  } catch {}
  if (!isDirectory) throw usageError(`${flag} ${full}: not an existing directory`, { flag, path: full });
  return full;
}

/** The client settings of the global options (codex binary, home, version guard, client info). */
export function clientConfig(options: GlobalOptions): ClientConfig {
  return {
    clientInfo: { name: 'codexus-cli', title: 'codexus CLI', version: CLI_VERSION },
    ...(options.codexHome !== undefined ? { codexHome: options.codexHome } : {}),
    ...(options.codexBin !== undefined ? { codexBin: options.codexBin } : {}),
    ...(options.allowUntestedCodex ? { allowUntestedVersion: true } : {}),
  };
}

/**
 * Spawns codex for a command (closed by the caller, always). The runtime is loaded here, on first
 * use, so that `--help` and usage errors do not pay for loading it.
 */
export async function connectClient(options: GlobalOptions, extra: ClientConfig = {}): Promise<Client> {
  const { Client } = await import('@codexus/runtime');
  return Client.connect({ ...clientConfig(options), ...extra });
}
