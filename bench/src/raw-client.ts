import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/**
 * The baseline: the least a program can do to drive `codex app-server` by hand. Spawn, one JSON
 * object per line each way, ids from 1, no library, no validation, no timeouts, no routing beyond a
 * map of pending ids and a map of completed turns. Anything codexus costs on top is measured
 * against this.
 */
export class RawClient {
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly turns = new Map<string, (turn: RawTurn) => void>();
  private readonly finished = new Map<string, RawTurn>();
  readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly options: RawClientOptions = {},
  ) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    child.stderr.resume();
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      for (const p of this.pending.values()) p.reject(new Error('codex exited'));
    });
  }

  /** Spawns `codex app-server` and runs `initialize` + `initialized`. */
  static async start(
    bin: string,
    env: NodeJS.ProcessEnv,
    args: readonly string[] = [],
    options: RawClientOptions = {},
  ): Promise<RawClient> {
    const client = new RawClient(spawn(bin, ['app-server', ...args], { env, stdio: 'pipe' }), options);
    const capabilities = options.experimentalApi ? { experimentalApi: true } : undefined;
    await client.request('initialize', { clientInfo: { name: 'raw_bench', version: '0.0.0' }, capabilities });
    client.write({ method: 'initialized' });
    return client;
  }

  request<R = unknown>(method: string, params?: unknown): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.write({ id, method, params });
    });
  }

  /** `thread/start` with the codexus safe defaults; resolves the thread id. */
  async startThread(cwd: string, extra: Record<string, unknown> = {}): Promise<string> {
    const r = await this.request<{ thread: { id: string } }>('thread/start', {
      cwd,
      approvalPolicy: 'never',
      sandbox: 'read-only',
      ...extra,
    });
    return r.thread.id;
  }

  /** One turn: `turn/start`, then wait for its `turn/completed`; throws unless it completed. */
  async turn(threadId: string, text: string): Promise<RawTurn> {
    const turn = await this.runTurn(threadId, text);
    if (turn.status !== 'completed') throw new Error(`raw turn ${turn.id} ${turn.status}`);
    return turn;
  }

  private async runTurn(threadId: string, text: string): Promise<RawTurn> {
    const { turn } = await this.request<{ turn: { id: string } }>('turn/start', {
      threadId,
      input: [{ type: 'text', text }],
      effort: 'medium',
    });
    const done = this.finished.get(turn.id);
    if (done) {
      this.finished.delete(turn.id);
      return done;
    }
    return new Promise((resolve) => this.turns.set(turn.id, resolve));
  }

  /** End stdin and wait for the process to exit (codex exits when stdin closes). */
  async close(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }

  private write(message: object): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl = this.buffer.indexOf('\n');
    while (nl !== -1) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.onMessage(JSON.parse(line));
      nl = this.buffer.indexOf('\n');
    }
  }

  private onMessage(msg: {
    id?: number;
    method?: string;
    params?: RawTurnCompleted;
    result?: unknown;
  }): void {
    if (msg.method !== undefined && msg.id !== undefined && this.options.onServerRequest) {
      // A server request (e.g. `item/tool/call`): answered by the caller's function.
      const { id, method, params } = msg;
      void Promise.resolve(this.options.onServerRequest(method, params)).then((result) =>
        this.write({ id, result }),
      );
    } else if (msg.method === undefined && msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if ('error' in msg) p?.reject(new Error(JSON.stringify(msg)));
      else p?.resolve(msg.result);
    } else if (msg.method === 'turn/completed' && msg.params) {
      const turn = msg.params.turn;
      const waiter = this.turns.get(turn.id);
      if (waiter) {
        this.turns.delete(turn.id);
        waiter(turn);
      } else {
        this.finished.set(turn.id, turn);
      }
    }
  }
}

export interface RawClientOptions {
  /** `capabilities.experimentalApi` in `initialize` (for `dynamicTools`). */
  experimentalApi?: boolean;
  /** Answers server requests; without it they stay unanswered. */
  onServerRequest?(method: string, params: unknown): unknown;
}

export interface RawTurn {
  id: string;
  status: string;
}

interface RawTurnCompleted {
  turn: RawTurn;
}
