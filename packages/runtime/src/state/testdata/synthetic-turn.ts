import type { StateProjection } from '../state-projection.js';

/** The protocol revision the projection tests use. */
export const REVISION = 'sha256:test-revision';

/** A synthetic turn: started, `items` command items with `outputBytes` of output each, completed. */
export function syntheticTurn(
  p: StateProjection,
  threadId: string,
  turnId: string,
  atMs: number,
  options: { items?: number; outputBytes?: number; complete?: boolean } = {},
): void {
  p.applyNotification(
    'thread/status/changed',
    { threadId, status: { type: 'active', activeFlags: [] } },
    atMs,
  );
  p.applyNotification(
    'turn/started',
    { threadId, turn: { id: turnId, status: 'inProgress', items: [] } },
    atMs,
  );
  for (let i = 0; i < (options.items ?? 2); i++) {
    const item = { type: 'commandExecution', id: `${turnId}-c${i}`, command: 'yes', status: 'inProgress' };
    p.applyNotification('item/started', { threadId, turnId, item }, atMs);
    const output = 'y\n'.repeat((options.outputBytes ?? 100) / 2);
    p.applyNotification(
      'item/commandExecution/outputDelta',
      { threadId, turnId, itemId: item.id, delta: output },
      atMs,
    );
    p.applyNotification(
      'item/completed',
      { threadId, turnId, item: { ...item, status: 'completed', exitCode: 0, aggregatedOutput: null } },
      atMs + 1,
    );
  }
  p.applyNotification(
    'item/completed',
    { threadId, turnId, item: { type: 'agentMessage', id: `${turnId}-m`, text: `done ${turnId}` } },
    atMs + 2,
  );
  if (options.complete === false) return;
  p.applyNotification('thread/status/changed', { threadId, status: { type: 'idle' } }, atMs + 3);
  p.applyNotification(
    'turn/completed',
    { threadId, turn: { id: turnId, status: 'completed', items: [] } },
    atMs + 3,
  );
}
