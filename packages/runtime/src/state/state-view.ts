import type { RequestId } from '@codexus/core';
import type { PlanStep, TokenUsage } from '../internal/wire.js';
import type { RuntimeState } from '../runtime-state.js';
import type { CappedText } from './capped-text.js';

/**
 * The plain, JSON-safe view of the state projection: what `projection.get()` returns and what a
 * snapshot stores. Every list is oldest first. Times are epoch milliseconds of this process's clock.
 */
export interface StateView {
  connection: ConnectionView;
  threads: ThreadView[];
  pendingServerRequests: PendingServerRequestView[];
}

export interface ConnectionView {
  state: RuntimeState;
  /** From the `initialize` answer (refreshed after a restart); null until known. */
  codexVersion: string | null;
  restarts: number;
  changedAtMs: number | null;
}

/** `ThreadStatus.type` on the wire. `notLoaded`: known (e.g. from a snapshot) but not loaded by this codex process. */
export type ThreadStatusType = 'notLoaded' | 'idle' | 'active' | 'systemError';

export interface ThreadView {
  id: string;
  status: ThreadStatusType;
  /** With `active`: `waitingOnApproval`, `waitingOnUserInput`, ... as the server reports them. */
  activeFlags: string[];
  activeTurnId: string | null;
  name: string | null;
  cwd: string | null;
  model: string | null;
  archived: boolean;
  /** The unified diff of the latest `turn/diff/updated`, capped. */
  lastDiff: { turnId: string | null; diff: CappedText } | null;
  lastPlan: PlanView | null;
  tokenUsage: TokenUsage | null;
  turns: TurnView[];
  /** Turns of this thread dropped by retention. */
  evictedTurns: number;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface PlanView {
  turnId: string | null;
  explanation: string | null;
  steps: PlanStep[];
  /** Steps left out to stay within `maxItemBytes`. */
  droppedSteps: number;
}

export type TurnStatusView = 'inProgress' | 'completed' | 'interrupted' | 'failed';

export interface TurnView {
  id: string;
  threadId: string;
  status: TurnStatusView;
  /** The server's error of a failed turn (strings capped), or the reason the client closed it. */
  error: TurnErrorView | null;
  /** `server`: `turn/completed` arrived. `client`: the projection closed it (connection lost, restored snapshot). */
  endedBy: 'server' | 'client' | null;
  startedAtMs: number | null;
  completedAtMs: number | null;
  durationMs: number | null;
  items: ItemView[];
  /** Items of this turn dropped by retention. */
  evictedItems: number;
}

export interface TurnErrorView {
  message: string;
  codexErrorInfo: unknown;
  additionalDetails: string | null;
}

export interface ItemView {
  id: string;
  /** `ThreadItem.type`: agentMessage, reasoning, plan, commandExecution, fileChange, mcpToolCall, ... */
  type: string;
  /** The item's own status when it has one (inProgress, completed, failed, declined); else null. */
  status: string | null;
  startedAtMs: number | null;
  completedAtMs: number | null;
  /** Accumulated text: agentMessage and plan text, reasoning summary. */
  text?: CappedText;
  /** commandExecution: the aggregated stdout/stderr. */
  output?: CappedText;
  /** commandExecution: the command line (capped). */
  command?: string;
  /** mcpToolCall / dynamicToolCall: the tool (`server/tool` for MCP, `namespace/tool` when namespaced). */
  tool?: string;
  exitCode?: number | null;
  /** commandExecution, mcpToolCall, dynamicToolCall: as codex reported it. */
  durationMs?: number | null;
  /** fileChange: one entry per file. */
  changes?: FileChangeView[];
  /** fileChange: files left out to stay within `maxItemBytes`. */
  droppedChanges?: number;
  /** Set when the projection closed an item the server never completed (the turn ended first). */
  closedByClient?: boolean;
}

export interface FileChangeView {
  path: string;
  /** add | delete | update */
  kind: string;
  movePath?: string | null;
  diff: CappedText;
}

export interface PendingServerRequestView {
  id: RequestId;
  method: string;
  threadId: string | null;
  turnId: string | null;
  itemId: string | null;
  receivedAtMs: number;
  /** Age when the view was taken. */
  ageMs: number;
}

/** What changed; read the details with `projection.get()` / `thread()` / `turn()`. */
export type StateChange = { seq: number; atMs: number } & (
  | { type: 'connection'; state: RuntimeState }
  | { type: 'thread'; threadId: string; reason: ThreadChangeReason }
  | { type: 'turn'; threadId: string; turnId: string; reason: 'started' | 'completed' | 'evicted' }
  | {
      type: 'item';
      threadId: string;
      turnId: string;
      itemId: string;
      reason: 'started' | 'updated' | 'completed' | 'evicted';
    }
  | {
      type: 'serverRequest';
      requestId: RequestId;
      threadId: string | null;
      reason: 'pending' | 'answered' | 'resolved' | 'connectionLost';
    }
  | { type: 'restored'; threads: number }
  /** Only on `changes()` iterators: a slow reader missed `dropped` events and should re-read the state. */
  | { type: 'resync'; dropped: number }
);

export type ThreadChangeReason =
  | 'started'
  | 'status'
  | 'name'
  | 'archived'
  | 'unarchived'
  | 'diff'
  | 'plan'
  | 'tokenUsage'
  | 'notLoaded'
  | 'deleted'
  | 'evicted';

/** Sizes and counters, e.g. for a memory benchmark. */
export interface StateStats {
  threads: number;
  turns: number;
  items: number;
  pendingServerRequests: number;
  /** Estimated serialized size of the retained state (what `maxTotalBytes` bounds). */
  retainedBytes: number;
  /** Bytes missing behind truncation markers in the retained state. */
  truncatedBytes: number;
  evicted: { threads: number; turns: number; items: number };
  /** Notifications applied / ignored (unknown methods, or after the connection closed). */
  notifications: { applied: number; ignored: number };
  /** Change counter; grows by one per change event. */
  version: number;
}
