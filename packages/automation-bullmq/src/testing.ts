import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A throwaway `redis-server` on a unix socket in a temp dir, for tests and benchmarks (AOF on, so
 * `restart()` keeps the data; no TCP port). Node built-ins only.
 */
export interface RedisServer extends AsyncDisposable {
  readonly socketPath: string;
  /** ioredis options for it. */
  readonly connection: { path: string };
  /** Stops it (SIGTERM: the AOF is flushed) and starts it again on the same socket and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** `redis-server` from `REDIS_SERVER_BIN`, the PATH, or Debian's `/usr/bin/redis-server`. */
export function findRedisServer(): string | undefined {
  const candidates = [
    process.env.REDIS_SERVER_BIN,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'redis-server')),
    '/usr/bin/redis-server',
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Starts a throwaway redis-server (bounded: 10 s until it answers PING). */
export async function startRedis(): Promise<RedisServer> {
  const bin = findRedisServer();
  if (bin === undefined)
    throw new Error('redis-server not found (install redis-server, or set REDIS_SERVER_BIN)');
  const dir = await mkdtemp(join(tmpdir(), 'codexus-redis-'));
  const socketPath = join(dir, 'redis.sock');
  const args = [
    '--port',
    '0',
    '--unixsocket',
    socketPath,
    '--unixsocketperm',
    '700',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ];
  let child: ChildProcess | undefined;
  let stderr = '';
  const launch = async () => {
    stderr = '';
    const proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child = proc;
    const deadline = Date.now() + 10_000;
    while (!(await pings(socketPath))) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer within 10 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    socketPath,
    connection: { path: socketPath },
    restart: async () => {
      await stop();
      await launch();
    },
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** True when a PING on the socket gets PONG. */
function pings(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const timer = setTimeout(() => finish(false), 500);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => finish(d.toString().startsWith('+PONG')));
  });
}
