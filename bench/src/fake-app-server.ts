/**
 * A stand-in app-server for the transport benchmark, run as a child process: it prebuilds a flood
 * of notifications shaped like codex 0.169's (captured from a real turn), waits for one line on
 * stdin ("go"), writes them all to stdout as fast as the pipe takes them, and exits when stdin ends.
 * argv: <total messages> <large messages>. Large `item/completed` payloads cycle through the sizes
 * in LARGE_SIZES; everything else is an `item/agentMessage/delta`.
 */
import { once } from 'node:events';

const LARGE_SIZES = [4 * 1024, 32 * 1024, 256 * 1024, 1024 * 1024] as const;

const total = Number(process.argv[2] ?? 200_000);
const large = Number(process.argv[3] ?? 400);
const threadId = '01a20e02-123a-7681-bc27-9e10df7ce0da';
const turnId = '01a20e02-1247-7e13-98dc-bbacb9b843f7';

function delta(i: number): string {
  return JSON.stringify({
    method: 'item/agentMessage/delta',
    params: { threadId, turnId, itemId: 'msg_1', delta: `token ${i % 1000} ` },
    emittedAtMs: 1795531346586,
  });
}

function completed(size: number): string {
  const text = 'lorem ipsum dolor sit amet, '.repeat(Math.ceil(size / 28)).slice(0, size);
  return JSON.stringify({
    method: 'item/completed',
    params: {
      item: {
        type: 'agentMessage',
        moderation: null,
        id: 'msg_1',
        text,
        phase: null,
        memoryCitation: null,
        delivery: null,
        questions: null,
        startedAtMs: 1795531346583,
        completedAtMs: 1795531346583,
      },
      threadId,
      turnId,
      contentTokenCount: null,
      completedAtMs: 1795531346583,
    },
    emittedAtMs: 1795531346588,
  });
}

const largeLines = LARGE_SIZES.map((size) => Buffer.from(`${completed(size)}\n`));
const every = large > 0 ? Math.floor(total / large) : Number.POSITIVE_INFINITY;
const chunks: Buffer[] = [];
let parts: Buffer[] = [];
let partBytes = 0;
let largeSent = 0;
for (let i = 0; i < total; i++) {
  const isLarge = largeSent < large && i % every === every - 1;
  const line = isLarge ? largeLines[largeSent++ % largeLines.length]! : Buffer.from(`${delta(i)}\n`);
  parts.push(line);
  partBytes += line.length;
  if (partBytes >= 256 * 1024) {
    chunks.push(Buffer.concat(parts));
    parts = [];
    partBytes = 0;
  }
}
if (parts.length > 0) chunks.push(Buffer.concat(parts));

process.stdin.once('data', async () => {
  for (const chunk of chunks) {
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  }
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
