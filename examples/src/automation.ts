/**
 * Layer 4: `spawn(session, spec)` — recurring turns on one prepared Session, one at a time, at a
 * fixed cadence, until `maxRuns` (or `stopAt`, `stop()`, an aborted signal, or a failed turn).
 * Run: `pnpm --filter @codexus/examples exec tsx src/automation.ts [--live]`.
 */
import { spawn } from '@codexus/automation';
import { Client } from '@codexus/runtime';
import { message } from '@codexus/testkit';
import { runIfMain, setup } from './offline.js';
import * as say from './transcript.js';

export async function main(): Promise<void> {
  await using env = await setup([
    message('check 1: all green'),
    message('check 2: all green'),
    message('check 3: one flaky test'),
  ]);
  say.heading('layer 4: automation');
  await using client = await Client.connect(env.client);
  const session = await client.startSession({ cwd: env.cwd });
  say.prompt('Every 200 ms, 3 times: "Check the build status"');
  const handle = spawn(session, {
    prompt: 'Check the build status',
    everyMs: 200,
    maxRuns: 3,
    onRun: (result) => say.note(`run on thread ${result.threadId.slice(0, 8)}: ${result.text}`),
  });
  const status = await handle.done;
  say.note(`automation ${status.state} after ${status.runs} runs`);
}

runIfMain(import.meta.url, main);
