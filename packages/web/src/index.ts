/**
 * @codexus/web: an HTTP + SSE bridge over codex sessions and approvals, with a browser approval page.
 * - {@link WebAdapter}: the framework-agnostic core (tenant-scoped sessions, turns, events, approvals);
 * - {@link createWebHandler}: the HTTP surface as a Web-standard `fetch` handler (Hono);
 * - {@link serveWeb}: a Node listener for it (127.0.0.1 by default).
 */
export { APPROVAL_DECISIONS, type ApprovalView, allowedDecisions, toApprovalView } from './approval-view.js';
export type { SubscribeOptions, WebSubscription } from './internal/web-session.js';
export { DEFAULT_REPLAY_LIMITS, ReplayBuffer, type ReplayLimits, type ReplaySlice } from './replay-buffer.js';
export { type ServeWebOptions, serveWeb, type WebServer } from './serve-web.js';
export { parseLastEventId, serializeSseEnvelope, sseHeartbeat, sseRetry } from './sse-envelope.js';
export { generateToken, MIN_TOKEN_LENGTH, type TenantToken, TenantTokens } from './tenant-tokens.js';
export {
  DEFAULT_MAX_SUBSCRIBER_BYTES,
  DEFAULT_WEB_PROFILE,
  WebAdapter,
  type WebAdapterConfig,
  type WebAdapterMetrics,
  type WebProfile,
  type WebSessionState,
  type WebSessionSummary,
} from './web-adapter.js';
export { httpStatusOf, type WebRefusal, webRefusal } from './web-error.js';
export {
  APPROVAL_EVENT_TYPES,
  type WebEvent,
  type WebEventData,
  type WebEventType,
} from './web-event.js';
export {
  createWebHandler,
  type WebEnv,
  type WebHandler,
  type WebHandlerMetrics,
  type WebHandlerOptions,
} from './web-handler.js';
export {
  type ApprovalAnswerBody,
  ApprovalAnswerBodySchema,
  type CreateSessionBody,
  CreateSessionBodySchema,
  type CreateTurnBody,
  CreateTurnBodySchema,
} from './web-schemas.js';
