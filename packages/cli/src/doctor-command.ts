import type { Command } from 'commander';
import {
  checkBinary,
  checkConfig,
  checkSession,
  checkVersion,
  type DoctorCheck,
  type DoctorTarget,
} from './doctor-checks.js';
import { EXIT_CODES, type ExitCode, usageError } from './exit-codes.js';
import { existingDirectory, globalOptions } from './global-options.js';
import { styleFor } from './style.js';
import type { CliIo } from './turn-renderer.js';

const OFFLINE_ANSWER = 'codexus doctor: the turn works';

interface DoctorFlags {
  offline?: boolean;
  cwd?: string;
  json?: boolean;
}

/** `codexus doctor`: is this machine ready to drive codex? One table; exit 1 on a blocking problem. */
export function addDoctorCommand(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('doctor')
    .description('check the codex binary, its version, login, config, and that a turn can start')
    .option('--offline', 'run the checks against the testkit scripted model (needs @codexus/testkit)')
    .option('--cwd <dir>', 'directory to start the test thread in (default: the current directory)')
    .option('--json', 'print the checks as JSON')
    .action(async (flags: DoctorFlags, command: Command) => {
      const rows = await runDoctor(flags, command);
      io.out.write(flags.json ? `${JSON.stringify(rows)}\n` : renderTable(rows, io.out));
      const blocking = rows.filter((r) => r.status === 'fail').length;
      if (!flags.json)
        io.out.write(
          blocking === 0
            ? 'no blocking problem\n'
            : `${blocking} blocking problem${blocking > 1 ? 's' : ''}\n`,
        );
      setExit(blocking === 0 ? EXIT_CODES.ok : EXIT_CODES.failed);
    });
}

async function runDoctor(flags: DoctorFlags, command: Command): Promise<DoctorCheck[]> {
  const options = globalOptions(command);
  const cwd = existingDirectory(flags.cwd ?? '.', '--cwd');
  const rows: DoctorCheck[] = [];
  const binary = checkBinary(options);
  rows.push(binary.row);
  if (!binary.bin) return [...rows, ...skipped(['version', 'config', 'app-server', 'login', 'turn'])];
  const bin = binary.bin;
  const version = await checkVersion(bin, options);
  rows.push(version);
  if (version.status === 'fail') return [...rows, ...skipped(['config', 'app-server', 'login', 'turn'])];
  const offline = flags.offline ? await offlineTarget() : undefined;
  try {
    const target: DoctorTarget = offline
      ? {
          options: { ...options, codexBin: bin, codexHome: offline.home },
          env: offline.env,
          cwd,
          turn: offline.turn,
        }
      : { options: { ...options, codexBin: bin }, cwd };
    const config = await checkConfig(bin, target);
    rows.push(config);
    if (config.status === 'fail') return [...rows, ...skipped(['app-server', 'login', 'turn'])];
    rows.push(...(await checkSession(target)));
    return rows;
  } finally {
    await offline?.dispose();
  }
}

function skipped(checks: string[]): DoctorCheck[] {
  return checks.map((check) => ({ check, status: 'skip', detail: 'skipped (a check above failed)' }));
}

/** A testkit scripted model and a hermetic home pointing at it (`--offline`). */
async function offlineTarget(): Promise<{
  home: string;
  env: Readonly<Record<string, string | undefined>>;
  turn: { prompt: string; expect: string };
  dispose(): Promise<void>;
}> {
  let testkit: typeof import('@codexus/testkit');
  try {
    testkit = await import('@codexus/testkit');
  } catch {
    throw usageError('--offline needs @codexus/testkit: npm install -D @codexus/testkit');
  }
  const model = await testkit.startScriptedModel([testkit.message(OFFLINE_ANSWER)], { log: () => {} });
  const home = await testkit.createCodexHome({ modelUrl: model.url });
  return {
    home: home.path,
    env: home.env,
    turn: { prompt: 'say that the turn works', expect: OFFLINE_ANSWER },
    async dispose() {
      await model.close();
      await home.dispose();
    },
  };
}

function renderTable(rows: DoctorCheck[], stream: NodeJS.WriteStream): string {
  const style = styleFor(stream);
  const paint = { ok: style.green, warn: style.yellow, fail: style.red, skip: style.dim };
  const width = Math.max(5, ...rows.map((r) => r.check.length));
  const lines = [`${'check'.padEnd(width)}  status  detail`];
  for (const r of rows)
    lines.push(`${r.check.padEnd(width)}  ${paint[r.status](r.status.toUpperCase().padEnd(6))}  ${r.detail}`);
  return `${lines.join('\n')}\n`;
}
