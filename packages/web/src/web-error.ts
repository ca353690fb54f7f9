import { CodexusError, type CodexusErrorCode } from '@codexus/core';

/** Why the adapter refused a call; the HTTP layer maps it onto a status. */
export type WebRefusal =
  | 'notFound'
  | 'alreadySettled'
  | 'decisionNotAllowed'
  | 'invalidBody'
  | 'cwdNotAllowed'
  | 'unknownProfile'
  | 'tooManySessions';

const STATUS: Record<WebRefusal, { code: CodexusErrorCode; status: number }> = {
  notFound: { code: 'NOT_FOUND', status: 404 },
  alreadySettled: { code: 'CONFLICT', status: 409 },
  decisionNotAllowed: { code: 'VALIDATION_FAILED', status: 400 },
  invalidBody: { code: 'VALIDATION_FAILED', status: 400 },
  cwdNotAllowed: { code: 'VALIDATION_FAILED', status: 400 },
  unknownProfile: { code: 'VALIDATION_FAILED', status: 400 },
  tooManySessions: { code: 'VALIDATION_FAILED', status: 429 },
};

/** A `CodexusError` whose `data` says why (`reason`) and which HTTP status fits (`status`). */
export function webRefusal(
  reason: WebRefusal,
  message: string,
  data: Record<string, unknown> = {},
): CodexusError {
  const { code, status } = STATUS[reason];
  return new CodexusError(code, message, { data: { ...data, reason, status } });
}

/** The HTTP status and body code for any error the adapter or the runtime threw. */
export function httpStatusOf(error: unknown): { status: number; code: string; message: string } {
  if (!CodexusError.isInstance(error)) return { status: 500, code: 'INTERNAL', message: 'internal error' };
  const status = typeof error.data?.status === 'number' ? error.data.status : statusOfCode(error.code);
  return { status, code: status === 404 ? 'NOT_FOUND' : error.code, message: error.message };
}

function statusOfCode(code: CodexusErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'HOOK_BLOCKED':
      return 400;
    case 'AUTH_FAILED':
      return 401;
    case 'CONFLICT':
    case 'TURN_IN_PROGRESS':
    case 'SESSION_CLOSED':
      return 409;
    case 'CONNECTION_CLOSED':
      return 503;
    case 'REQUEST_TIMEOUT':
      return 504;
    case 'NOT_FOUND':
    case 'RPC_THREAD_NOT_FOUND':
    case 'RPC_NO_ROLLOUT':
      return 404;
    default:
      return 502;
  }
}
