import { execFile } from 'node:child_process';
import {
  CodexusError,
  checkCompatibility,
  type ResolvedCodexBin,
  resolveCodexBin,
  SUPPORTED_VERSION_RANGE,
  silentLogger,
} from '@codexus/core';
import type { Client } from '@codexus/runtime';
import { connectClient, type GlobalOptions } from './global-options.js';

/** One row of the doctor's table. `fail` is blocking (exit code 1). */
export interface DoctorCheck {
  check: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  detail: string;
}

/** What the checks run against: the options, and (with `--offline`) the testkit's env for codex. */
export interface DoctorTarget {
  options: GlobalOptions;
  env?: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Runs a turn (offline: against the testkit model); without it only a thread is started. */
  turn?: { prompt: string; expect: string };
}

const COMMAND_TIMEOUT_MS = 20_000;
const SOURCES: Record<ResolvedCodexBin['source'], string> = {
  option: '--codex-bin',
  env: 'env CODEXUS_CODEX_BIN',
  package: 'the installed @openai/codex package',
  path: 'PATH',
};

/** Where codex is: the resolved binary, or a fail row naming every place looked at. */
export function checkBinary(options: GlobalOptions): { row: DoctorCheck; bin?: string } {
  try {
    const bin = resolveCodexBin(options.codexBin !== undefined ? { codexBin: options.codexBin } : {});
    return {
      row: { check: 'binary', status: 'ok', detail: `${bin.path} (from ${SOURCES[bin.source]})` },
      bin: bin.path,
    };
  } catch (error) {
    const looked = CodexusError.isInstance(error) ? (error.data?.looked as string[] | undefined) : undefined;
    const detail = looked
      ? `not found; looked at: ${looked.join('; ')}. Install it: npm install @openai/codex`
      : (error as Error).message;
    return { row: { check: 'binary', status: 'fail', detail } };
  }
}

/** `codex --version` against the supported range. */
export async function checkVersion(bin: string, options: GlobalOptions): Promise<DoctorCheck> {
  const range = `${SUPPORTED_VERSION_RANGE.min} → ${SUPPORTED_VERSION_RANGE.pinned}`;
  const out = await runCodex(bin, ['--version']);
  const version = /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(out.stdout)?.[1];
  if (version === undefined)
    return {
      check: 'version',
      status: 'fail',
      detail: `\`codex --version\` printed no version (${out.summary})`,
    };
  try {
    const compat = checkCompatibility(version, { allowUntestedVersion: options.allowUntestedCodex });
    if (compat === 'newer')
      return {
        check: 'version',
        status: 'warn',
        detail: `${version}: newer than the tested ${range} (untested)`,
      };
    if (compat === 'older-untested')
      return {
        check: 'version',
        status: 'warn',
        detail: `${version}: older than ${range}, allowed by --allow-untested-codex`,
      };
    return { check: 'version', status: 'ok', detail: `${version} (supported ${range})` };
  } catch {
    return {
      check: 'version',
      status: 'fail',
      detail: `${version} is older than the supported ${range}: npm install @openai/codex@${SUPPORTED_VERSION_RANGE.pinned}`,
    };
  }
}

/** codex's own strict config check (`app-server --strict-config --print-startup-config`). */
export async function checkConfig(bin: string, target: DoctorTarget): Promise<DoctorCheck> {
  const out = await runCodex(
    bin,
    ['app-server', '--strict-config', '--print-startup-config'],
    codexEnv(target),
  );
  if (out.code === 2 && out.stderr.includes("unexpected argument '--print-startup-config'"))
    return {
      check: 'config',
      status: 'warn',
      detail:
        'not checked: this codex has no --print-startup-config (older codex; it checks its config when it starts)',
    };
  const parsed = parseJsonLine(out.stdout);
  const error = parsed?.error as { message?: string } | undefined;
  if (out.code === 0 && !error)
    return { check: 'config', status: 'ok', detail: `${homeOf(target)}: valid (strict)` };
  return { check: 'config', status: 'fail', detail: error?.message ?? out.summary };
}

/** Starts codex, reads the login state (`account/read`), and starts a thread (and a turn, if asked). */
export async function checkSession(target: DoctorTarget): Promise<DoctorCheck[]> {
  let client: Client;
  try {
    client = await connectClient(target.options, {
      ...(target.env ? { env: target.env } : {}),
      logger: silentLogger,
    });
  } catch (error) {
    return [{ check: 'app-server', status: 'fail', detail: (error as Error).message }];
  }
  const rows: DoctorCheck[] = [
    { check: 'app-server', status: 'ok', detail: `initialize: ${client.server.userAgent}` },
  ];
  try {
    rows.push(await checkLogin(client));
    rows.push(await checkTurn(client, target));
  } finally {
    await client.close();
  }
  return rows;
}

async function checkLogin(client: Client): Promise<DoctorCheck> {
  try {
    const r = await client.runtime.request(
      'account/read',
      { refreshToken: false },
      { timeoutMs: COMMAND_TIMEOUT_MS },
    );
    if (r.account) {
      const email = 'email' in r.account ? r.account.email : undefined;
      const who = email ? ` (${email})` : '';
      return { check: 'login', status: 'ok', detail: `logged in: ${r.account.type ?? 'account'}${who}` };
    }
    if (r.requiresOpenaiAuth)
      return {
        check: 'login',
        status: 'fail',
        detail: 'not logged in and the model provider needs it: run `codex login`',
      };
    return {
      check: 'login',
      status: 'ok',
      detail: 'no login needed (the configured model provider does not need one)',
    };
  } catch (error) {
    return { check: 'login', status: 'fail', detail: `account/read: ${(error as Error).message}` };
  }
}

async function checkTurn(client: Client, target: DoctorTarget): Promise<DoctorCheck> {
  try {
    const session = await client.startSession({ cwd: target.cwd, ephemeral: true });
    try {
      if (!target.turn)
        return {
          check: 'turn',
          status: 'ok',
          detail: `thread/start ok (model ${modelOf(session)}); no turn sent (--offline runs one)`,
        };
      const result = await session.ask(target.turn.prompt, { timeoutMs: 60_000 });
      const ok = result.status === 'completed' && result.text.includes(target.turn.expect);
      return {
        check: 'turn',
        status: ok ? 'ok' : 'fail',
        detail: `turn ${result.status} in ${result.durationMs} ms: ${JSON.stringify(result.text.slice(0, 60))}`,
      };
    } finally {
      await session.close();
    }
  } catch (error) {
    return { check: 'turn', status: 'fail', detail: (error as Error).message };
  }
}

function modelOf(session: { info?: unknown }): string {
  const info = session.info as { model?: unknown } | undefined;
  return typeof info?.model === 'string' ? info.model : '?';
}

function codexEnv(target: DoctorTarget): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env, ...target.env };
  if (target.options.codexHome !== undefined) env.CODEX_HOME = target.options.codexHome;
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env as NodeJS.ProcessEnv;
}

function homeOf(target: DoctorTarget): string {
  return target.options.codexHome ?? target.env?.CODEX_HOME ?? process.env.CODEX_HOME ?? '~/.codex';
}

interface CommandOutput {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
}

function runCodex(bin: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandOutput> {
  return new Promise((resolve) => {
    execFile(bin, args, { env, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 4 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      const tail = `${stderr}`.trim().split('\n').filter(Boolean).slice(-2).join(' / ');
      const summary = error ? `${error.message.split('\n')[0]}${tail ? `: ${tail}` : ''}` : 'ok';
      resolve({ code, stdout: `${stdout}`, stderr: `${stderr}`, summary });
    });
  });
}

function parseJsonLine(text: string): Record<string, unknown> | undefined {
  for (const line of text.split('\n').reverse()) {
    try {
      const value = JSON.parse(line) as unknown;
      if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
    } catch {}
  }
  return undefined;
}
