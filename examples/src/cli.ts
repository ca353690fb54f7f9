/**
 * The `codexus` command (`@codexus/cli`), run as a program: `codexus run` streams an answer,
 * `codexus run --json` prints one event per line (ending with the `result` line) and appends piped
 * stdin to the prompt words, and `codexus doctor --offline` checks the setup. Offline, every
 * command gets `--codex-home` (a testkit home pointing at the scripted model) and the home's env.
 * Needs the built CLI (`pnpm --filter @codexus/cli run build`; `npm run demo` builds everything).
 * Run: `pnpm --filter @codexus/examples exec tsx src/cli.ts [--live]`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { message, streamedMessage } from '@codexus/testkit';
import { live, runIfMain, setup } from './offline.js';
import * as say from './transcript.js';

/** The built `codexus` bin of this repository. */
const CODEXUS = fileURLToPath(new URL('../../packages/cli/dist/cli.js', import.meta.url));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `codexus <args>` (stdin: `input`, or empty), bounded at 60 s. */
function codexus(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  input = '',
): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CODEXUS, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

/** Throws (with its stderr) when a command did not exit 0. */
function ok(ran: Ran, what: string): Ran {
  if (ran.code !== 0) throw new Error(`codexus ${what} exited ${ran.code}:\n${ran.stderr}`);
  return ran;
}

export async function main(): Promise<void> {
  if (!existsSync(CODEXUS)) throw new Error(`${CODEXUS} is missing: pnpm --filter @codexus/cli run build`);
  await using env = await setup([
    streamedMessage(['This folder ', 'is a fresh, ', 'empty workspace.']),
    message('Two lines: a greeting and a farewell.'),
  ]);
  const home = env.client.codexHome;
  const global = home === undefined ? [] : ['--codex-home', home];
  const childEnv = env.client.env ?? {};
  const shown = home === undefined ? '' : ' --codex-home <home>';
  say.heading(`the codexus command (${live ? 'live' : 'scripted model'})`);

  say.prompt(`codexus run${shown} "What is in this folder?"`);
  const answer = ok(
    await codexus(['run', ...global, '--cwd', env.cwd, 'What is in this folder?'], childEnv),
    'run',
  );
  say.line(answer.stdout.trimEnd());

  say.prompt(`printf 'hello\\ngoodbye\\n' | codexus run${shown} --json "What does stdin say?"`);
  const args = ['run', ...global, '--cwd', env.cwd, '--json', 'What does stdin say?'];
  const json = ok(await codexus(args, childEnv, 'hello\ngoodbye\n'), 'run --json');
  const events = json.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; status?: string; text?: string });
  const result = events.at(-1);
  say.note(`${events.length} events: ${[...new Set(events.map((e) => e.type))].join(', ')}`);
  say.note(`last line: result ${result?.status}: ${result?.text}`);

  const doctorArgs = live ? ['doctor'] : ['doctor', '--offline'];
  say.prompt(`codexus ${doctorArgs.join(' ')}`);
  const doctor = ok(await codexus(doctorArgs, childEnv), 'doctor');
  say.line(doctor.stdout.trimEnd());
}

runIfMain(import.meta.url, main);
