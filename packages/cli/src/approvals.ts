import type { ApprovalHandler, ApprovalRequest } from '@codexus/runtime';
import { type ApprovalOutcome, approvalFields, type CliJsonEvent, jsonEvent } from './json-events.js';
import type { TurnRenderer } from './turn-renderer.js';

export type Decision = ApprovalOutcome['decision'];

/** Asks a person for a decision; undefined = no answer (withdrawn, or the terminal went away). */
export type AskDecision = (request: ApprovalRequest, signal: AbortSignal) => Promise<Decision | undefined>;

/** The keys of the interactive question and what they mean. */
export const DECISION_KEYS: Readonly<Record<string, Decision>> = {
  a: 'accept',
  s: 'acceptForSession',
  d: 'decline',
};

export const DECISION_HINT = '[a] accept  [s] accept for session  [d] decline';

const WORDS: Record<Decision, string> = {
  accept: 'accepted',
  acceptForSession: 'accepted for the session',
  decline: 'declined',
  cancel: 'cancelled',
};

export interface ApprovalHandlerOptions {
  /** Interactive asking (a TTY); without it every request is declined (fail closed). */
  ask?: AskDecision;
  /** `--json`: the lines to print. */
  emit?: (event: CliJsonEvent) => void;
  /** Human output. */
  renderer?: TurnRenderer;
}

/**
 * The CLI's approval handler: command and file-change approvals are asked at the terminal (or
 * declined without one); other server requests (user input, elicitations, permissions) cannot be
 * answered from here and get the fail-closed answer (the handler throws: the runtime then declines).
 */
export function cliApprovalHandler(options: ApprovalHandlerOptions): ApprovalHandler {
  return async (request, { signal }) => {
    if (request.kind !== 'commandExecution' && request.kind !== 'fileChange')
      throw new Error(`a ${request.kind} request cannot be answered from the codexus CLI`);
    const requestId = String(request.id);
    const fields = approvalFields(request);
    options.emit?.(jsonEvent({ type: 'approvalRequested', requestId, kind: request.kind, ...fields }));
    const { renderer } = options;
    if (renderer) showRequest(renderer, request.kind, fields, options.ask !== undefined);
    const asked = options.ask ? await options.ask(request, signal) : undefined;
    const outcome: ApprovalOutcome =
      asked === undefined ? { decision: 'decline', by: 'policy' } : { decision: asked, by: 'user' };
    if (signal.aborted) return outcome.decision; // withdrawn by codex: nothing is sent
    options.emit?.(jsonEvent({ type: 'approvalAnswered', requestId, ...outcome }));
    if (renderer) {
      const word = WORDS[outcome.decision];
      const why = outcome.by === 'policy' ? ' (no terminal to ask; approvals are declined)' : '';
      renderer.note(renderer.style.bold(`  → ${word}${why}`));
    }
    return outcome.decision;
  };
}

function showRequest(
  renderer: TurnRenderer,
  kind: 'commandExecution' | 'fileChange',
  fields: { command?: string; cwd?: string; reason?: string },
  interactive: boolean,
): void {
  const { style } = renderer;
  const lines = [
    style.bold(style.yellow(`? codex asks to ${kind === 'fileChange' ? 'change files' : 'run a command'}`)),
  ];
  if (fields.command !== undefined) lines.push(`  command: ${fields.command}`);
  if (fields.cwd !== undefined) lines.push(`  cwd:     ${fields.cwd}`);
  if (fields.reason !== undefined) lines.push(`  reason:  ${fields.reason}`);
  if (interactive) lines.push(`  ${DECISION_HINT}`);
  renderer.note(lines.join('\n'));
}
