#!/usr/bin/env node
// A real-codex smoke for whatever Node runs this file (CI runs it on Node 24): one hermetic turn
// through the built packages. Exits non-zero on any failure; bounded by a 60 s watchdog.
import { Client } from '@codexus/runtime';
import { createCodexHome, createWorkspace, message, startScriptedModel } from '@codexus/testkit';

const watchdog = setTimeout(() => {
  console.error('smoke: timed out after 60 s');
  process.exit(1);
}, 60_000);
watchdog.unref();

const model = await startScriptedModel([message('smoke ok')], { log: () => {} });
const home = await createCodexHome({ modelUrl: model.url });
const workspace = await createWorkspace();
const client = await Client.connect({ codexHome: home.path });
try {
  const session = await client.startSession({ cwd: workspace.path });
  const result = await session.ask('smoke test');
  if (result.text !== 'smoke ok' || result.status !== 'completed') {
    throw new Error(`unexpected result: ${JSON.stringify({ text: result.text, status: result.status })}`);
  }
  console.log(
    `smoke: node ${process.version}, codex ${client.server.codexVersion}: ${result.text} (${result.durationMs} ms)`,
  );
} finally {
  await client.close();
  await model.close();
  await home.dispose();
  await workspace.dispose();
}
