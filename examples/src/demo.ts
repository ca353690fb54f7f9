/**
 * The offline demo (`npm run demo`): the real codex binary, answering from a scripted local model,
 * driven through codexus. Prints a transcript with streamed text and an approval round trip.
 * `--live` uses your own codex login and model instead of the scripted one (network needed).
 */
import { join } from 'node:path';
import { type ApprovalRequest, Client, type PromptRunEvent } from '@codexus/runtime';
import {
  createCodexHome,
  createWorkspace,
  message,
  reasoning,
  shell,
  startScriptedModel,
  step,
  streamedMessage,
} from '@codexus/testkit';

const live = process.argv.includes('--live');
const out = (text: string) => process.stdout.write(text);
const dim = (text: string) => (process.stdout.isTTY ? `\x1b[2m${text}\x1b[22m` : text);

const streamed = new Set<string>();

function show(event: PromptRunEvent): void {
  switch (event.type) {
    case 'textDelta':
      streamed.add(event.itemId);
      out(event.delta);
      break;
    case 'reasoningDelta':
      out(dim(event.delta));
      break;
    case 'itemCompleted':
      if (event.item.type === 'reasoning') out(dim(`  [reasoning: ${JSON.stringify(event.item.summary)}]\n`));
      if (event.item.type === 'commandExecution') {
        out(dim(`  [command ${event.item.command} → ${event.item.status}, exit ${event.item.exitCode}]\n`));
      }
      if (event.item.type === 'agentMessage')
        out(streamed.has(event.item.id) ? '\n' : `${event.item.text}\n`);
      break;
    case 'approvalRequested':
      out(`  [approval requested: ${event.request.kind} ${describe(event.request)}]\n`);
      break;
    case 'turnCompleted':
      out(dim(`  [turn ${event.status}]\n`));
      break;
    default:
      break;
  }
}

function describe(request: ApprovalRequest): string {
  return request.kind === 'commandExecution' ? `\`${request.command}\`` : request.method;
}

async function main(): Promise<void> {
  await using workspace = await createWorkspace();
  const marker = join(workspace.path, 'approved.txt');
  await using model = await startScriptedModel(
    [
      step(
        reasoning('The user wants a greeting.'),
        streamedMessage(['Hello ', 'from codex, ', 'through codexus!']),
      ),
      step(
        shell(`echo approved > ${marker}`, {
          sandboxPermissions: 'require_escalated',
          justification: 'write a file',
          login: false,
        }),
      ),
      message('I wrote approved.txt after you approved the command.'),
    ],
    { log: () => {} },
  );
  await using home = await createCodexHome({
    modelUrl: model.url,
    approvalPolicy: 'on-request',
    sandboxMode: 'workspace-write',
  });
  await using client = await Client.connect(live ? {} : { codexHome: home.path });
  out(`codex ${client.server.codexVersion} (${live ? 'live' : 'offline, scripted model'})\n\n`);

  await using session = await client.startSession({
    cwd: workspace.path,
    approval: 'on-request',
    sandbox: 'workspace-write',
    approvalHandler: (request) => {
      out(`  [approval handler: accepting ${describe(request)}]\n`);
      return 'accept';
    },
  });

  for (const prompt of ['Say hello.', 'Write approved.txt in the workspace.']) {
    out(`> ${prompt}\n`);
    const stream = session.askStream(prompt);
    for await (const event of stream) show(event);
    const result = await stream.result;
    out(
      dim(
        `  [${result.items.length} items, ${result.usage?.total.totalTokens ?? 0} tokens, ${result.durationMs} ms]\n\n`,
      ),
    );
  }
  const { readFile } = await import('node:fs/promises');
  out(`approved.txt contains: ${(await readFile(marker, 'utf8')).trim()}\n`);
  const m = client.metrics();
  out(
    dim(`metrics: ${m.requests} requests, ${m.notifications} notifications, turn p50 ${m.turns.p50Ms} ms\n`),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
