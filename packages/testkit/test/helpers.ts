import { expect } from 'vitest';
import { type CodexNotification, type CodexProcess, SCRIPTED_PROVIDER_ID } from '../src/index.js';

export interface ThreadStartResult {
  thread: { id: string };
  model: string;
  modelProvider: string;
  cwd: string;
}

export interface TurnRun {
  turnId: string;
  status: string;
  completed: CodexNotification;
  /** This turn's notifications, in order. */
  notifications: CodexNotification[];
  /** `item/completed` items of this turn. */
  items: Array<Record<string, unknown> & { type: string }>;
  elapsedMs: number;
}

/** `thread/start` that also asserts we talk to the scripted provider (hermetic). */
export async function startThread(
  codex: CodexProcess,
  params: Record<string, unknown> = {},
): Promise<string> {
  const result = await codex.request<ThreadStartResult>('thread/start', params);
  expect(result.modelProvider).toBe(SCRIPTED_PROVIDER_ID);
  return result.thread.id;
}

/** `turn/start` with one text input, then waits for this turn's `turn/completed`. */
export async function runTurn(
  codex: CodexProcess,
  threadId: string,
  text: string,
  extra: Record<string, unknown> = {},
): Promise<TurnRun> {
  const since = codex.notifications.length;
  const started = performance.now();
  const { turn } = await codex.request<{ turn: { id: string } }>('turn/start', {
    threadId,
    input: [{ type: 'text', text }],
    ...extra,
  });
  const completed = await codex.waitForNotification<{ turn: { id: string; status: string } }>(
    'turn/completed',
    (n) => n.params.turn.id === turn.id,
    { since },
  );
  const elapsedMs = performance.now() - started;
  const notifications = codex.notifications
    .slice(since, completed.index + 1)
    .filter(
      (n) => n.params.turnId === turn.id || (n.params.turn as { id?: string } | undefined)?.id === turn.id,
    );
  const items = notifications
    .filter((n) => n.method === 'item/completed')
    .map((n) => n.params.item as Record<string, unknown> & { type: string });
  return {
    turnId: turn.id,
    status: completed.params.turn.status,
    completed,
    notifications,
    items,
    elapsedMs,
  };
}
