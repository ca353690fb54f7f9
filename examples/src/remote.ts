/**
 * Remote app-servers: one long-lived `codex app-server --listen ws://...` shared by several
 * clients. Launches a local WebSocket server with a fresh capability token (kept in a 0600 file),
 * connects two Clients to it through `remote`, streams a turn on each, and shows that a wrong token
 * fails fast with `AUTH_FAILED`. Against another machine, point `remote.url` at an SSH-forwarded
 * port instead (see docs/remote.md).
 * Run: `pnpm --filter @codexus/examples exec tsx src/remote.ts [--live]`.
 */
import { CodexusError, launchAppServer } from '@codexus/core';
import { Client } from '@codexus/runtime';
import { streamedMessage } from '@codexus/testkit';
import { live, runIfMain, setup } from './offline.js';
import * as say from './transcript.js';

export async function main(): Promise<void> {
  await using env = await setup([
    streamedMessage(['Hello from ', 'a shared ', 'app-server.']),
    streamedMessage(['Same server, ', 'second client.']),
  ]);
  await using server = await launchAppServer({ ...env.client, auth: 'capability-token' });
  say.heading(`remote: a WebSocket app-server at ${server.url} (${live ? 'live' : 'scripted model'})`);
  say.note(`token in ${server.remote.tokenFile} (mode 0600); the URL and logs never hold it`);

  await using first = await Client.connect({ remote: server.remote });
  await using second = await Client.connect({ remote: server.remote });
  const show = say.createEventPrinter();
  for (const [name, client, text] of [
    ['first client', first, 'Say hello.'],
    ['second client', second, 'And again, please.'],
  ] as const) {
    await using session = await client.startSession({ cwd: env.cwd });
    say.prompt(`${name}: ${text}`);
    const stream = session.askStream(text);
    for await (const event of stream) show(event);
    const result = await stream.result;
    say.note(`${name}: thread ${result.threadId}, ${result.durationMs} ms`);
  }

  const refused = await Client.connect({ remote: { url: server.url, token: 'not-the-token' } }).catch(
    (error: unknown) => error,
  );
  if (CodexusError.is(refused, 'AUTH_FAILED')) say.note(`wrong token → AUTH_FAILED: ${refused.message}`);
  else throw new Error('expected AUTH_FAILED for a wrong token');
}

runIfMain(import.meta.url, main);
