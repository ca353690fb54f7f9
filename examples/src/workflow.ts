/**
 * Layer 2: `Workflow` — repeated runs in one directory on one codex process and one thread (the
 * model sees the earlier runs), streamed or awaited, closed by `await using`.
 * Run: `pnpm --filter @codexus/examples exec tsx src/workflow.ts [--live]`.
 */
import { Workflow } from '@codexus/quick';
import { message, streamedMessage } from '@codexus/testkit';
import { runIfMain, setup } from './offline.js';
import * as say from './transcript.js';

export async function main(): Promise<void> {
  await using env = await setup([
    message('Noted: the project is called "lantern".'),
    streamedMessage(['Your project ', 'is called ', '"lantern".']),
  ]);
  say.heading('layer 2: Workflow');
  await using workflow = await Workflow.connect({ cwd: env.cwd, effort: 'low', ...env.client });

  say.prompt('Remember: this project is called "lantern".');
  say.result(await workflow.run('Remember: this project is called "lantern". Reply briefly.'));

  say.prompt('What is the project called? (streamed)');
  const run = workflow.runStream('What is the project called?');
  const show = say.createEventPrinter();
  for await (const event of run) show(event);
  const second = await run.result;
  say.note(
    `${workflow.runCount} runs on thread ${workflow.threadId} (same thread: ${second.threadId === workflow.threadId})`,
  );
}

runIfMain(import.meta.url, main);
