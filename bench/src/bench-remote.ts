import { launchAppServer } from '@codexus/core';
import { Client } from '@codexus/runtime';
import { message } from '@codexus/testkit';
import { type BenchContext, reps } from './context.js';
import { expectText, hermetic } from './hermetic.js';
import { latencyRow, type Row } from './report.js';
import { interleave } from './stats.js';

/**
 * Issue 14: a warm turn over WebSocket (launched app-server, capability token) vs over stdio, then
 * over a unix socket (launched with `listen: 'unix://'`) vs over stdio. Each pair is interleaved on
 * its own: a turn of a third side in between changes the WebSocket's timing (docs/performance.md).
 */
export async function websocket(ctx: BenchContext): Promise<Row[]> {
  const h = await hermetic({
    connect: (home) => Client.connect({ codexHome: home.path, env: home.env, codexBin: ctx.codexBin }),
  });
  const server = await launchAppServer({
    codexHome: h.home.path,
    env: h.home.env,
    codexBin: ctx.codexBin,
    auth: 'capability-token',
  });
  const unixServer = await launchAppServer({
    codexHome: h.home.path,
    env: h.home.env,
    codexBin: ctx.codexBin,
    listen: 'unix://',
  });
  const remote = await Client.connect({ remote: server.remote });
  const unixClient = await Client.connect({ remote: unixServer.remote });
  try {
    const stdio = await h.client.startSession({ cwd: h.workspace.path });
    const ws = await remote.startSession({ cwd: h.workspace.path });
    const unix = await unixClient.startSession({ cwd: h.workspace.path });
    const rounds = reps(ctx, 100, 10);
    ctx.log(`websocket: ${rounds} rounds`);
    /** One checked turn on `session`. */
    const turn = (session: typeof stdio, over: string) => async (): Promise<void> => {
      h.model.enqueue(message('ok'));
      expectText((await session.ask('hi')).text, 'ok', `ask over ${over}`);
    };
    const s = await interleave(rounds, 5, { ws: turn(ws, 'WebSocket'), stdio: turn(stdio, 'stdio') });
    const u = await interleave(rounds, 5, { unix: turn(unix, 'a unix socket'), stdio: turn(stdio, 'stdio') });
    return [
      latencyRow('websocket', 'warm turn over WebSocket, median', s, 'ws', { key: 'stdio', name: 'stdio' }),
      latencyRow('websocket', 'warm turn over a unix socket, median', u, 'unix', {
        key: 'stdio',
        name: 'stdio',
      }),
    ];
  } finally {
    await unixClient.close();
    await remote.close();
    await unixServer.close();
    await server.close();
    await h.close();
  }
}
