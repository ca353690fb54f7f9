/**
 * Layer 5: `AppServer` — every protocol method, typed by the generated maps, params validated before
 * sending; the experimental gate refuses experimental methods locally; `requestUnchecked` is raw.
 * Run: `pnpm --filter @codexus/examples exec tsx src/app-server.ts [--live]`.
 */
import { inventory } from '@codexus/protocol';
import { AppServer, CodexusError } from '@codexus/runtime';
import { message } from '@codexus/testkit';
import { runIfMain, setup } from './offline.js';
import * as say from './transcript.js';

export async function main(): Promise<void> {
  await using env = await setup([message('typed hello')]);
  say.heading('layer 5: AppServer');
  const { counts } = inventory();
  say.note(
    `protocol: ${counts.clientRequests.total} client requests, ${counts.serverNotifications.total} notifications`,
  );
  await using app = await AppServer.connect(env.client);
  const { thread, model } = await app.threadStart({ cwd: env.cwd });
  say.note(`thread/start (facade): thread ${thread.id.slice(0, 8)}, model ${model}`);
  const done = new Promise<string>((resolve) => app.on('turn/completed', (p) => resolve(p.turn.status)));
  await app.request('turn/start', {
    threadId: thread.id,
    input: [{ type: 'text', text: 'hi' }],
  });
  say.note(`turn/completed: ${await done}`);
  try {
    await app.request('mock/experimentalMethod', {});
  } catch (error) {
    if (!CodexusError.is(error, 'EXPERIMENTAL_API_REQUIRED')) throw error;
    say.note(`refused locally, nothing sent: ${error.code}`);
  }
}

runIfMain(import.meta.url, main);
