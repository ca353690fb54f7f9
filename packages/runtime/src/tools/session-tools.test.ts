/** The `item/tool/call` dispatcher of a session, without codex (version independent). */
import { type ServerRequest, silentLogger } from '@codexus/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { HookEngine } from '../hooks/hook-engine.js';
import { SessionTools } from './session-tools.js';
import { type AnyTool, tool } from './tool.js';
import type { ToolCallAnswer } from './tool-call.js';
import { ToolRegistry } from './tool-registry.js';

/** An `item/tool/call` request whose answer resolves `answered` (the shape codex sends). */
function toolCall(id: number, name: string, args: unknown, turnId = 'turn-1') {
  let resolveAnswer!: (answer: ToolCallAnswer) => void;
  const answered = new Promise<ToolCallAnswer>((resolve) => {
    resolveAnswer = resolve;
  });
  const request: ServerRequest = {
    id,
    method: 'item/tool/call',
    params: {
      threadId: 'thread-1',
      turnId,
      callId: `call_${id}`,
      tool: name,
      namespace: null,
      arguments: args,
    },
    receivedAtMs: Date.now(),
    answered: false,
    respond: async (result) => resolveAnswer(result as ToolCallAnswer),
    respondError: async (error) => {
      throw new Error(`a tool call must never be answered with an error: ${error.message}`);
    },
  };
  return { request, answered: bounded(answered, `the answer to request ${id}`) };
}

/** `promise`, or a rejection naming `what` after 5 s (a hang fails instead of stalling). */
function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 5_000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sessionTools(...tools: AnyTool[]): SessionTools {
  return new SessionTools({
    registry: new ToolRegistry(tools),
    hooks: new HookEngine({ logger: silentLogger }),
    cwd: '/',
    timeoutMs: 60_000,
    logger: silentLogger,
  });
}

describe('SessionTools', () => {
  it('runs several calls at once: each run waits until the other one has started', async () => {
    const started = new Set<number>();
    let bothStarted!: () => void;
    const both = new Promise<void>((resolve) => {
      bothStarted = resolve;
    });
    const tools = sessionTools(
      tool({
        name: 'meet',
        description: 'returns once the other call is running too',
        input: v.object({ n: v.number() }),
        run: async ({ n }) => {
          started.add(n);
          if (started.size === 2) bothStarted();
          // Sequential dispatch would never start the second call: this wait would time out.
          await bounded(both, `call ${n} to see the other call start`);
          return `met ${n}`;
        },
      }),
    );
    const first = toolCall(1, 'meet', { n: 1 });
    const second = toolCall(2, 'meet', { n: 2 });
    tools.handle(first.request);
    tools.handle(second.request);
    expect(tools.pending).toBe(2);
    const answers = await Promise.all([first.answered, second.answered]);
    expect(answers.map((a) => [a.success, a.contentItems[0]])).toEqual([
      [true, { type: 'inputText', text: 'met 1' }],
      [true, { type: 'inputText', text: 'met 2' }],
    ]);
    expect(tools.pending).toBe(0);
  });

  it('abort() (the session closing) aborts every pending run and answers each success:false', async () => {
    const reasons: unknown[] = [];
    let running = 0;
    let allRunning!: () => void;
    const bothRunning = new Promise<void>((resolve) => {
      allRunning = resolve;
    });
    const ran = (): void => {
      if (++running === 2) allRunning();
    };
    const tools = sessionTools(
      tool({
        name: 'honours',
        description: 'rejects on abort',
        input: v.object({}),
        run: (_args, { signal }) =>
          new Promise<string>((_, reject) => {
            ran();
            signal.addEventListener('abort', () => {
              reasons.push(signal.reason);
              reject(signal.reason);
            });
          }),
      }),
      tool({
        name: 'ignores',
        description: 'never settles',
        input: v.object({}),
        run: () => new Promise<string>(() => ran()),
      }),
    );
    const a = toolCall(1, 'honours', {});
    const b = toolCall(2, 'ignores', {}, 'turn-2');
    tools.handle(a.request);
    tools.handle(b.request);
    await bounded(bothRunning, 'both runs to start');
    tools.abort('the session was closed');
    const answers = await Promise.all([a.answered, b.answered]);
    expect(answers).toEqual([
      { contentItems: [{ type: 'inputText', text: 'the session was closed' }], success: false },
      { contentItems: [{ type: 'inputText', text: 'the session was closed' }], success: false },
    ]);
    expect(String(reasons[0])).toMatch(/the session was closed/);
    expect(tools.pending).toBe(0);
  });

  it('abort(reason, turnId) and withdraw(id) end only the calls they name', async () => {
    const tools = sessionTools(
      tool({
        name: 'wait',
        description: 'waits for its signal',
        input: v.object({}),
        run: (_args, { signal }) =>
          new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      }),
    );
    const ofTurn1 = toolCall(1, 'wait', {}, 'turn-1');
    const ofTurn2 = toolCall(2, 'wait', {}, 'turn-2');
    const withdrawn = toolCall(3, 'wait', {}, 'turn-3');
    for (const call of [ofTurn1, ofTurn2, withdrawn]) tools.handle(call.request);
    tools.abort('the turn ended', 'turn-1');
    expect((await ofTurn1.answered).contentItems[0]).toEqual({ type: 'inputText', text: 'the turn ended' });
    tools.withdraw(3);
    expect(await withdrawn.answered).toMatchObject({
      success: false,
      contentItems: [{ text: 'the server withdrew the tool call' }],
    });
    expect(tools.pending).toBe(1); // turn-2's call still runs
    tools.abort('cleanup');
    expect((await ofTurn2.answered).success).toBe(false);
  });
});
