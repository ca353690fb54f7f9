import type { PromptRunEvent, TurnError, TurnStatus } from '@codexus/runtime';
import type { ApprovalView } from './approval-view.js';

/**
 * What a session's event stream carries. Turn events are the runtime's `PromptRunEvent`s with the
 * turn id added (the runtime's `approvalRequested` and `turnCompleted` are replaced by the adapter's
 * own, below), plus the adapter's approval and lifecycle events.
 */
export type WebEventData =
  | (Exclude<PromptRunEvent, { type: 'approvalRequested' | 'turnCompleted' }> & { turnId: string })
  | {
      type: 'turnCompleted';
      turnId: string;
      status: TurnStatus;
      /** The last agent message. */
      text: string;
      error?: TurnError | { message: string; code?: string };
      durationMs: number;
    }
  | { type: 'approvalRequested'; approval: ApprovalView }
  | {
      type: 'approvalResolved';
      approvalId: string;
      /** `answered`: through `postApproval`; `withdrawn`: the server withdrew it or no answer came in time. */
      outcome: 'answered' | 'withdrawn';
      decision?: string;
    }
  | { type: 'sessionClosed' }
  /** Events this subscriber cannot get anymore (the replay buffer dropped them): read the state again. */
  | { type: 'replayGap'; fromId: number; toId: number };

export type WebEventType = WebEventData['type'];

/** One event with its per-session id (strictly increasing; the SSE `id`, for `Last-Event-ID`). */
export type WebEvent = WebEventData & { id: number; atMs: number };

/** The approval event types (what `subscribeSessionApprovals` yields). */
export const APPROVAL_EVENT_TYPES: readonly WebEventType[] = ['approvalRequested', 'approvalResolved'];
