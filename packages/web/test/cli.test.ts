/** The `codexus-web` bin (the built dist/cli.js): `--codex-home`, refused values, and a hermetic start. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CodexHome,
  createCodexHome,
  createWorkspace,
  message,
  type ScriptedModel,
  startScriptedModel,
  type Workspace,
} from '@codexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const TOKEN = 'cli-test-token-0123456789';

/** Runs the bin to its end with pipes. */
function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('codexus-web', () => {
  let model: ScriptedModel;
  let home: CodexHome;
  let workspace: Workspace;

  beforeAll(async () => {
    if (!existsSync(CLI))
      throw new Error(`${CLI} is missing: build first (pnpm --filter @codexus/web run build)`);
    model = await startScriptedModel([message('hello from the web cli')], { log: () => {} });
    home = await createCodexHome({ modelUrl: model.url });
    workspace = await createWorkspace();
  });

  afterAll(async () => {
    await model?.close();
    await home?.dispose();
    await workspace?.dispose();
  });

  it('lists --codex-home in --help', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--codex-home <dir>');
  });

  it('refuses a --codex-home that does not exist, or is a file, with exit code 2 and before codex starts', async () => {
    const missing = join(workspace.path, 'no-such-dir');
    const notFound = await runCli(['--codex-home', missing, '--port', '0']);
    expect(notFound.code).toBe(2);
    expect(notFound.stderr).toBe(`codexus-web: --codex-home ${missing} is not an existing directory\n`);
    expect(notFound.stdout).toBe('');

    const file = join(workspace.path, 'a-file');
    await writeFile(file, 'x');
    const notDir = await runCli(['--codex-home', file, '--port', '0']);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toContain(`--codex-home ${file} is not an existing directory`);

    const empty = await runCli(['--codex-home', '', '--port', '0']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--codex-home needs a directory');
  });

  it('runs codex on the --codex-home it is given (a turn reaches the scripted model)', async () => {
    // The home's env without CODEX_HOME: only the flag may point codex at the hermetic home.
    const { CODEX_HOME: _ignored, ...homeEnv } = home.env;
    const child = spawn(
      process.execPath,
      [CLI, '--codex-home', home.path, '--cwd', workspace.path, '--port', '0'],
      {
        env: { ...process.env, ...homeEnv, CODEX_HOME: undefined, CODEXUS_WEB_TOKEN: TOKEN },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await pageUrl(child);
      const api = (path: string, init: RequestInit = {}) =>
        fetch(`${url}${path}`, {
          ...init,
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        });
      const session = await api('/v1/sessions', { method: 'POST', body: '{}' });
      expect(session.status).toBe(201);
      const { sessionId } = (await session.json()) as { sessionId: string };
      const turn = await api(`/v1/sessions/${sessionId}/turns`, {
        method: 'POST',
        body: JSON.stringify({ prompt: 'say hello' }),
      });
      expect(turn.status).toBe(202);
      const completed = await firstEvent(await api(`/v1/sessions/${sessionId}/events`), 'turnCompleted');
      expect(completed).toMatchObject({ status: 'completed', text: 'hello from the web cli' });
      expect(model.requests.length).toBeGreaterThan(0);
    } finally {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

/** Waits for the `open <url>/#token=...` line and returns the URL. */
function pageUrl(child: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /open (http:\/\/\S+)\/#token=/.exec(out);
      if (match) done(match[1]!);
    });
    child.once('exit', (code) => fail(new Error(`codexus-web exited (${code}): ${err}`)));
  });
}

/** Reads an SSE response until the first event of `type` and returns its data. */
async function firstEvent(response: Response, type: string): Promise<unknown> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before a ${type} event: ${text}`);
      text += value;
      for (const frame of text.split('\n\n')) {
        if (!frame.includes(`event: ${type}\n`)) continue;
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        if (data) return JSON.parse(data.slice('data: '.length));
      }
    }
  } finally {
    await reader.cancel();
  }
}
