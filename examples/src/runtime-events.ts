/**
 * Layer 6: `Runtime` — raw JSON-RPC requests and the live notification stream, nothing assembled
 * for you. Starts a thread and a turn by hand and prints every notification of that thread.
 * Run: `pnpm --filter @codexus/examples exec tsx src/runtime-events.ts [--live]`.
 */
import { Runtime } from '@codexus/runtime';
import { message } from '@codexus/testkit';
import { runIfMain, setup } from './offline.js';
import * as say from './transcript.js';

export async function main(): Promise<void> {
  await using env = await setup([message('Raw and direct.')]);
  await using runtime = await Runtime.start(env.client);
  say.heading(`layer 6: Runtime (${runtime.server.userAgent.split(' ')[0]})`);

  const started = await runtime.request('thread/start', {
    cwd: env.cwd,
    approvalPolicy: 'never',
    sandbox: 'read-only',
  });
  const threadId = started.thread.id;
  say.note(`thread/start → ${threadId} (model ${started.model})`);

  // Subscribe before starting the turn, so no notification is missed.
  await using events = runtime.events({ threadId });
  const { turn } = await runtime.request('turn/start', {
    threadId,
    input: [{ type: 'text', text: 'Describe yourself in three words.', text_elements: [] }],
  });
  say.prompt(`turn/start → ${turn.id}`);
  for await (const n of events) {
    const p = n.params as {
      delta?: string;
      item?: { type: string; text?: string };
      status?: { type?: string };
    };
    const detail =
      p.delta ?? (p.item ? [p.item.type, p.item.text].filter(Boolean).join(': ') : p.status?.type);
    say.line(`  ${n.method}${detail ? say.dim(`  ${JSON.stringify(detail)}`) : ''}`);
    if (n.method === 'turn/completed') break;
  }
}

runIfMain(import.meta.url, main);
