import { silentLogger } from '@codexus/core';
import type { Client, ThreadPage } from '@codexus/runtime';
import type { Command } from 'commander';
import { EXIT_CODES, type ExitCode, usageError } from './exit-codes.js';
import { connectClient, globalOptions } from './global-options.js';
import { closeClient } from './run-command.js';
import type { CliIo } from './turn-renderer.js';

interface ListFlags {
  limit: string;
  cursor?: string;
  json?: boolean;
}

/** `codexus threads [list|read ID|archive ID]`. */
export function addThreadsCommand(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const threads = program.command('threads').description('list, read or archive stored threads');
  const withClient =
    <A extends unknown[]>(body: (client: Client, ...args: A) => Promise<void>) =>
    async (...args: [...A, Command]): Promise<void> => {
      const command = args.at(-1) as Command;
      const client = await connectClient(globalOptions(command), { logger: silentLogger });
      try {
        await body(client, ...(args.slice(0, -1) as A));
        setExit(EXIT_CODES.ok);
      } finally {
        await closeClient(client);
      }
    };
  threads
    .command('list', { isDefault: true })
    .description('the stored threads, newest first')
    .option('--limit <n>', 'how many', '20')
    .option('--cursor <cursor>', 'the page after this cursor (printed at the end of a page)')
    .option('--json', 'print the page as JSON')
    .action(
      withClient(async (client, flags: ListFlags) => {
        const limit = Number(flags.limit);
        if (!Number.isInteger(limit) || limit < 1) throw usageError('--limit must be a positive integer');
        const page = await client.listThreads({
          limit,
          ...(flags.cursor !== undefined ? { cursor: flags.cursor } : {}),
        });
        if (flags.json) return void io.out.write(`${JSON.stringify(page)}\n`);
        if (page.data.length === 0) io.out.write('no threads\n');
        for (const thread of page.data) io.out.write(`${threadLine(thread)}\n`);
        if (page.nextCursor) io.out.write(`more: codexus threads list --cursor ${page.nextCursor}\n`);
      }),
    );
  threads
    .command('read')
    .description('a thread and its turns, as JSON')
    .argument('<id>', 'thread id')
    .action(
      withClient(async (client, id: string) => {
        const { thread } = await client.readThread(id, { includeTurns: true });
        io.out.write(`${JSON.stringify(thread, null, 2)}\n`);
      }),
    );
  threads
    .command('archive')
    .description('archive a thread')
    .argument('<id>', 'thread id')
    .action(
      withClient(async (client, id: string) => {
        await client.archiveThread(id);
        io.out.write(`archived ${id}\n`);
      }),
    );
}

/** One thread of a page, read defensively (an older codex may leave fields out). */
function threadLine(thread: ThreadPage['data'][number]): string {
  const id = String(thread.id ?? '?');
  const at = typeof thread.updatedAt === 'number' ? new Date(thread.updatedAt * 1000).toISOString() : '';
  const title = String(thread.name ?? thread.preview ?? '')
    .replace(/\s+/g, ' ')
    .slice(0, 80);
  return [id, at, title].filter(Boolean).join('  ');
}
