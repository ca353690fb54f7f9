import type { ApprovalDecision, ApprovalKind, ApprovalRequest, TurnItem } from '@codexus/runtime';

/** The decisions a command or file-change approval accepts. */
export const APPROVAL_DECISIONS: readonly ApprovalDecision[] = [
  'accept',
  'acceptForSession',
  'decline',
  'cancel',
];

/** A pending approval as a browser sees it (plain JSON; the server's request id is never exposed). */
export interface ApprovalView {
  /** Unguessable id, the `:approvalId` of `POST /v1/sessions/:id/approvals/:approvalId`. */
  approvalId: string;
  sessionId: string;
  kind: ApprovalKind;
  method: string;
  turnId?: string;
  itemId?: string;
  /** commandExecution: the command line and its working directory. */
  command?: string;
  cwd?: string;
  reason?: string;
  /** fileChange: the root codex asks write access for, and the changes of the item (path, kind, diff). */
  grantRoot?: string;
  changes?: unknown[];
  /** What `postApproval` accepts for this request. */
  allowedDecisions: ApprovalDecision[];
  requestedAtMs: number;
}

/**
 * The decisions allowed for a request: all four for commands and file changes, none for other kinds
 * (those are not answered from a browser: they get the timeout action). codex's experimental
 * `availableDecisions` list is not used to narrow this: codex 0.169 leaves `decline` out of it but
 * honours it, and `decline` is what a person most needs.
 */
export function allowedDecisions(request: ApprovalRequest): ApprovalDecision[] {
  if (request.kind !== 'commandExecution' && request.kind !== 'fileChange') return [];
  return [...APPROVAL_DECISIONS];
}

/** Builds the browser view of a request (`item`: the turn's item it is about, when known). */
export function toApprovalView(
  request: ApprovalRequest,
  init: { approvalId: string; sessionId: string; item?: TurnItem; atMs: number },
): ApprovalView {
  const view: ApprovalView = {
    approvalId: init.approvalId,
    sessionId: init.sessionId,
    kind: request.kind,
    method: request.method,
    allowedDecisions: allowedDecisions(request),
    requestedAtMs: init.atMs,
  };
  if (request.turnId !== undefined) view.turnId = request.turnId;
  if (request.itemId !== undefined) view.itemId = request.itemId;
  if (request.kind === 'commandExecution') {
    if (request.command !== undefined) view.command = request.command;
    if (request.cwd !== undefined) view.cwd = request.cwd;
    if (request.reason !== undefined) view.reason = request.reason;
  }
  if (request.kind === 'fileChange') {
    if (request.reason !== undefined) view.reason = request.reason;
    if (request.grantRoot !== undefined) view.grantRoot = request.grantRoot;
    const changes = (init.item as { changes?: unknown } | undefined)?.changes;
    if (Array.isArray(changes)) view.changes = changes;
  }
  return view;
}
