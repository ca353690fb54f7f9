/**
 * Layer 3: `Client` and `Session` — explicit lifecycle and typed session config. Streams a reply,
 * then does an approval round trip: the model asks to run a command outside the sandbox, the
 * session's approval handler accepts, and the command runs.
 * Run: `pnpm --filter @codexus/examples exec tsx src/client-session.ts [--live]`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@codexus/runtime';
import { message, reasoning, shell, step, streamedMessage } from '@codexus/testkit';
import { live, runIfMain, setup } from './offline.js';
import * as say from './transcript.js';

export async function main(): Promise<void> {
  const escalated = {
    sandboxPermissions: 'require_escalated',
    justification: 'write a file',
    login: false,
  } as const;
  await using env = await setup(
    [
      step(
        reasoning('The user wants a greeting.'),
        streamedMessage(['Hello ', 'from codex, ', 'through codexus!']),
      ),
      shell('echo approved > approved.txt', escalated),
      message('I wrote approved.txt after you approved the command.'),
    ],
    { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' },
  );
  await using client = await Client.connect(env.client);
  say.heading(
    `layer 3: Client + Session (codex ${client.server.codexVersion}, ${live ? 'live' : 'scripted model'})`,
  );
  await using session = await client.startSession({
    cwd: env.cwd,
    approval: 'on-request',
    sandbox: 'workspace-write',
    approvalHandler: (request) => {
      say.note(
        `approval handler: accepting ${request.kind === 'commandExecution' ? request.command : request.method}`,
      );
      return 'accept';
    },
  });
  const show = say.createEventPrinter();
  for (const text of ['Say hello.', 'Write approved.txt in the workspace.']) {
    say.prompt(text);
    const stream = session.askStream(text);
    for await (const event of stream) show(event);
    const result = await stream.result;
    say.note(
      `${result.items.length} items, ${result.usage?.total.totalTokens ?? 0} tokens, ${result.durationMs} ms`,
    );
  }
  const written = await readFile(join(env.cwd, 'approved.txt'), 'utf8').catch(() => '(not written)');
  say.line(`approved.txt contains: ${written.trim()}`);
}

runIfMain(import.meta.url, main);
