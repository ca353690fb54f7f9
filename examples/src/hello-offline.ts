/**
 * The README's offline hello world: the real codex binary, a throwaway CODEX_HOME and a scripted
 * local model (no login, no network). `tsx src/hello-offline.ts`
 */
import { quickRun } from '@codexus/quick';
import { createCodexHome, message, startScriptedModel } from '@codexus/testkit';

const model = await startScriptedModel([message('Hello from codex, offline.')]);
const home = await createCodexHome({ modelUrl: model.url });
try {
  const { text } = await quickRun('Say hello', { home });
  console.log(text); // Hello from codex, offline.
} finally {
  await model.close();
  await home.dispose();
}
