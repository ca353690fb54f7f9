#!/usr/bin/env node
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@codexus/runtime';
import { serveWeb } from './serve-web.js';
import { WebAdapter } from './web-adapter.js';
import { createWebHandler } from './web-handler.js';

const USAGE = `codexus-web: an HTTP + SSE bridge with a browser approval page over a local codex

Usage: codexus-web [options]
  --cwd <dir>           directory sessions run in (also the only allowed root; default: .)
  --root <dir>          another directory sessions may run in (repeatable)
  --port <n>            port (default 8787; 0 = any free port)
  --host <addr>         address to bind (default 127.0.0.1)
  --allow-origin <url>  another origin allowed to call the API from a browser (repeatable)
  --allow-host <name>   another Host name to answer to (repeatable; needed with a non-loopback --host)
  --sandbox <mode>      read-only (default) or workspace-write
  --codex-bin <path>    the codex binary (default: resolved like @codexus/core does)
  --codex-home <dir>    CODEX_HOME for codex (an existing directory; default: $CODEX_HOME, else ~/.codex)
  --allow-untested-codex  accept a codex older than the supported range (see docs/compatibility.md)
  -h, --help

The bearer token comes from CODEXUS_WEB_TOKEN (at least 16 characters); without it, one is generated.
The page URL printed below carries the token in its #fragment (never sent to the server).
A refused option value exits with code 2.`;

/** An option value refused before anything starts: exit code 2. */
class UsageError extends Error {}

/** `--codex-home`: resolved against the current directory; it must be an existing directory. */
async function codexHomeDir(value: string): Promise<string> {
  if (value === '') throw new UsageError('--codex-home needs a directory');
  const path = resolve(value);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`--codex-home ${path} is not an existing directory`);
  return path;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cwd: { type: 'string' },
      root: { type: 'string', multiple: true },
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      'allow-host': { type: 'string', multiple: true },
      sandbox: { type: 'string' },
      'codex-bin': { type: 'string' },
      'codex-home': { type: 'string' },
      'allow-untested-codex': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const cwd = resolve(values.cwd ?? '.');
  const sandbox = values.sandbox ?? 'read-only';
  if (sandbox !== 'read-only' && sandbox !== 'workspace-write') {
    throw new UsageError('--sandbox must be read-only or workspace-write');
  }
  const port = Number(values.port ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError('--port must be 0-65535');
  const hostname = values.host ?? '127.0.0.1';
  const envToken = process.env.CODEXUS_WEB_TOKEN;
  const codexHome = values['codex-home'] === undefined ? undefined : await codexHomeDir(values['codex-home']);

  const client = await Client.connect({
    ...(values['codex-bin'] ? { codexBin: values['codex-bin'] } : {}),
    ...(codexHome ? { codexHome } : {}),
    ...(values['allow-untested-codex'] ? { allowUntestedVersion: true } : {}),
  });
  const adapter = WebAdapter.create(client, {
    roots: [cwd, ...(values.root ?? []).map((r) => resolve(r))],
    defaultCwd: cwd,
    profiles: {
      default: {
        approval: 'on-request',
        sandbox,
        turnTimeoutMs: 15 * 60_000,
        approvalTimeoutMs: 10 * 60_000,
        timeoutAction: 'decline',
      },
    },
  });
  const handler = createWebHandler(adapter, {
    ...(envToken ? { tokens: [{ tenant: 'default', token: envToken }] } : {}),
    allowedOrigins: values['allow-origin'] ?? [],
    ...(values['allow-host']
      ? { allowedHosts: ['127.0.0.1', 'localhost', '[::1]', ...values['allow-host']] }
      : {}),
  });
  const server = await serveWeb(handler, { hostname, port });
  const token = handler.generatedToken ?? envToken ?? '';
  process.stdout.write(
    `codexus-web: codex ${client.server.codexVersion} ready; sessions run in ${cwd} (sandbox ${sandbox})\n` +
      `codexus-web: open ${server.url}/#token=${token}\n` +
      (handler.generatedToken
        ? 'codexus-web: (a new token was generated; set CODEXUS_WEB_TOKEN to keep one)\n'
        : ''),
  );

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await adapter.close();
    await client.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`codexus-web: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
