// The files written into the consumer projects of consumer-test.mjs: run scripts (plain ESM that a
// user would write) and type-check sources with their two tsconfig variants.

/** The text the scripted model answers in the run scripts; each script prints it back. */
export const QUICK_TEXT = 'hello from the local registry (quick)';
export const RUNTIME_TEXT = 'hello from the local registry (runtime)';

/** Printed on the last line of every run script, so the harness can find its JSON result. */
export const RESULT_PREFIX = 'CONSUMER_RESULT ';

const harness = `
import { createCodexHome, createWorkspace, message, startScriptedModel } from '@codexus/testkit';

async function hermetic(steps) {
  const model = await startScriptedModel(steps, { log: () => {} });
  const home = await createCodexHome({ modelUrl: model.url });
  const workspace = await createWorkspace();
  const dispose = async () => {
    await model.close();
    await home.dispose();
    await workspace.dispose();
  };
  return { model, home, workspace, dispose };
}
`;

/** Layer 1 through npm: quickRun against the real codex and the testkit's scripted model. */
export const quickScript = `${harness}
import { quickRun } from '@codexus/quick';

const h = await hermetic([message(${JSON.stringify(QUICK_TEXT)})]);
try {
  const result = await quickRun('Say hello.', { cwd: h.workspace.path, home: h.home, timeoutMs: 60_000 });
  console.log('${RESULT_PREFIX}' + JSON.stringify({
    resolved: import.meta.resolve('@codexus/quick'),
    status: result.status,
    text: result.text,
    modelRequests: h.model.requests.length,
  }));
} finally {
  await h.dispose();
}
`;

/** No codex anywhere (no option, no env, no @openai/codex, empty PATH): the typed error tells how to install it. */
export const missingBinaryScript = `
import { quickRun } from '@codexus/quick';

let outcome;
try {
  await quickRun('Say hello.', { timeoutMs: 10_000 });
  outcome = { ok: true };
} catch (error) {
  outcome = { name: error.name, code: error.code, kind: error.kind, message: String(error.message) };
}
console.log('${RESULT_PREFIX}' + JSON.stringify(outcome));
`;

/** Layers 3 and 5 through pnpm: a session ask, then a typed AppServer request. */
export const runtimeScript = `${harness}
import { AppServer, Client, CodexusError } from '@codexus/runtime';

const h = await hermetic([message(${JSON.stringify(RUNTIME_TEXT)})]);
try {
  const client = await Client.connect({ codexHome: h.home.path });
  let ask;
  try {
    const session = await client.startSession({ cwd: h.workspace.path });
    const result = await session.ask('Say hello.', { timeoutMs: 60_000 });
    ask = { status: result.status, text: result.text };
  } finally {
    await client.close();
  }
  const app = await AppServer.connect({ codexHome: h.home.path });
  let typed;
  try {
    const started = await app.request('thread/start', { cwd: h.workspace.path });
    const invalid = await app.request('thread/read', { threadId: 42 }).catch((e) => e);
    typed = {
      modelProvider: started.modelProvider,
      threadId: typeof started.thread.id,
      invalidParams: CodexusError.is(invalid, 'VALIDATION_FAILED'),
    };
  } finally {
    await app.close();
  }
  console.log('${RESULT_PREFIX}' + JSON.stringify({ resolved: import.meta.resolve('@codexus/runtime'), ask, typed }));
} finally {
  await h.dispose();
}
`;

/** The protocol alone: the inventory, no process. */
export const protocolScript = `
import { getMethodInfo, inventory } from '@codexus/protocol';

const inv = inventory();
console.log('${RESULT_PREFIX}' + JSON.stringify({
  resolved: import.meta.resolve('@codexus/protocol'),
  codexVersion: inv.codexVersion,
  methods: inv.methods.length,
  counts: inv.counts,
  threadStart: getMethodInfo('thread/start')?.group,
}));
`;

/**
 * Consumer sources for the type check. Each holds an \`@ts-expect-error\` that only holds when the
 * installed declarations are real types (an \`any\` would make the directive unused, an error).
 */
export const typecheckSources = {
  quick: `import { QuickRunError, type QuickRunOptions, quickRun } from '@codexus/quick';
import { createCodexHome, message, type ScriptedModel, startScriptedModel } from '@codexus/testkit';

export async function run(cwd: string): Promise<string> {
  const model: ScriptedModel = await startScriptedModel([message('typed')]);
  const home = await createCodexHome({ modelUrl: model.url });
  const options: QuickRunOptions = { cwd, home, timeoutMs: 60_000 };
  try {
    const result = await quickRun('hello', options);
    const text: string = result.text;
    return text;
  } catch (error) {
    if (error instanceof QuickRunError) return error.kind;
    throw error;
  } finally {
    await model.close();
    await home.dispose();
  }
}

// @ts-expect-error cwd is a string
void quickRun('hello', { cwd: 42 });
`,
  runtime: `import { AppServer, Client, CodexusError, type PromptRunResult } from '@codexus/runtime';

export async function ask(cwd: string): Promise<PromptRunResult> {
  await using client = await Client.connect({});
  const session = await client.startSession({ cwd });
  return session.ask('hello');
}

export async function typed(cwd: string): Promise<string> {
  const app = await AppServer.connect({});
  try {
    const started = await app.request('thread/start', { cwd });
    const id: string = started.thread.id;
    return id;
  } catch (error) {
    if (CodexusError.is(error, 'VALIDATION_FAILED')) return error.message;
    throw error;
  } finally {
    await app.close();
  }
}

export async function wrongParams(app: AppServer): Promise<void> {
  // @ts-expect-error threadId is a string
  await app.request('thread/read', { threadId: 42 });
}
`,
  protocol: `import { type ClientRequestMethod, getMethodInfo, type Inventory, inventory } from '@codexus/protocol';

export function counts(): Inventory['counts'] {
  return inventory().counts;
}

export const method: ClientRequestMethod = 'thread/start';
export const group = getMethodInfo(method)?.group;

// @ts-expect-error not a method of the protocol
export const wrong: ClientRequestMethod = 'thread/nope';
`,
};

/** The two consumer tsconfigs: NodeNext-style `node16` and `bundler`, both strict with verbatimModuleSyntax. */
export function consumerTsconfigs(file) {
  const common = {
    target: 'ES2022',
    lib: ['ES2023'],
    strict: true,
    verbatimModuleSyntax: true,
    noEmit: true,
    skipLibCheck: false,
    types: ['node'],
  };
  return {
    node16: { compilerOptions: { ...common, module: 'node16', moduleResolution: 'node16' }, files: [file] },
    bundler: { compilerOptions: { ...common, module: 'esnext', moduleResolution: 'bundler' }, files: [file] },
  };
}
