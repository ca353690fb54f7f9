/**
 * The demo (`npm run demo`): runs every example in order against the real codex binary, which
 * answers from the testkit's scripted local model: layer 1 (quickRun), layer 2 (Workflow, streamed),
 * layer 3 (Client + Session, streamed text and an approval round trip), layer 4 (automation), layer 5
 * (AppServer, typed requests), layer 6 (Runtime, raw requests and live events), hooks, in-process
 * tools and the `codexus` command. `npm run demo -- --live` uses your own codex login and model instead.
 */
import { main as appServer } from './app-server.js';
import { main as automation } from './automation.js';
import { main as cli } from './cli.js';
import { main as clientSession } from './client-session.js';
import { main as hooks } from './hooks.js';
import { live } from './offline.js';
import { main as quickRun } from './quick-run.js';
import { main as runtimeEvents } from './runtime-events.js';
import { main as tools } from './tools.js';
import * as say from './transcript.js';
import { main as workflow } from './workflow.js';

const examples = [quickRun, workflow, clientSession, automation, appServer, runtimeEvents, hooks, tools, cli];

async function demo(): Promise<void> {
  const startedAt = Date.now();
  say.line(
    live ? 'codexus demo: live, with your codex login' : 'codexus demo: offline, real codex + scripted model',
  );
  for (const example of examples) await example();
  say.line(say.dim(`\ndone: ${examples.length} examples in ${Date.now() - startedAt} ms`));
}

demo().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
