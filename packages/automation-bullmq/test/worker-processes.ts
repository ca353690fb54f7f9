import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/worker-process.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface WorkerProcessConfig {
  socketPath: string;
  name: string;
  id: string;
  codexHome: string;
  env: Record<string, string | undefined>;
  lockDurationMs: number;
  concurrency?: number;
}

/** A worker in a child process (tsx), standing in for another machine. */
export interface WorkerProcess {
  readonly id: string;
  readonly child: ChildProcess;
  stderr(): string;
  /** `kill -9`: the worker and (its stdin closing) its codex go away mid-whatever. */
  kill(): Promise<void>;
  /** SIGTERM: the worker finishes its tick, records it and exits. */
  stop(): Promise<void>;
}

/** Spawns a worker process and resolves once it takes ticks (bounded: 30 s). */
export async function spawnWorker(config: WorkerProcessConfig): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', tsx, fixture], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DURABLE_WORKER: JSON.stringify(config) },
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker ${config.id} not ready within 30 s; stderr: ${err}`));
    }, 30_000);
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (out.includes('ready ')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${config.id} exited with ${code} before it was ready; stderr: ${err}`));
    });
  });
  const bounded = async (what: string) => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`worker ${config.id}: no exit within 15 s after ${what}`)),
          15_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  };
  return {
    id: config.id,
    child,
    stderr: () => err,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await bounded('SIGKILL');
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await bounded('SIGTERM');
    },
  };
}
