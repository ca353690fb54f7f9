import { launchAppServer } from '@codexus/core';
import { Client } from '@codexus/runtime';
import { message } from '@codexus/testkit';
import { type BenchContext, reps } from './context.js';
import { expectText, hermetic } from './hermetic.js';
import { latencyRow, type Row } from './report.js';
import { interleave } from './stats.js';

/** Issue 14: a warm turn over WebSocket (launched app-server, capability token) vs over stdio. */
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
  const remote = await Client.connect({ remote: server.remote });
  try {
    const stdio = await h.client.startSession({ cwd: h.workspace.path });
    const ws = await remote.startSession({ cwd: h.workspace.path });
    const rounds = reps(ctx, 100, 10);
    ctx.log(`websocket: ${rounds} rounds`);
    const s = await interleave(rounds, 5, {
      ws: async () => {
        h.model.enqueue(message('ok'));
        expectText((await ws.ask('hi')).text, 'ok', 'ask over WebSocket');
      },
      stdio: async () => {
        h.model.enqueue(message('ok'));
        expectText((await stdio.ask('hi')).text, 'ok', 'ask over stdio');
      },
    });
    return [
      latencyRow('websocket', 'warm turn over WebSocket, median', s, 'ws', { key: 'stdio', name: 'stdio' }),
    ];
  } finally {
    await remote.close();
    await server.close();
    await h.close();
  }
}
