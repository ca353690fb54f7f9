export { backoffDelay, DEFAULT_OVERLOAD_RETRY, type RetryPolicy } from './backoff.js';
export { type ConfigOverrides, type ConfigValue, configOverrideArgs, tomlValue } from './config-overrides.js';
export {
  assertOneTarget,
  type CodexCommand,
  type CodexHomeRef,
  type CodexProcessOptions,
  type Connected,
  type ConnectOptions,
  codexCommand,
  connect,
  createCodexTransport,
  createRemoteTransport,
  type TransportFactory,
} from './connect.js';
export {
  Connection,
  type ConnectionOptions,
  type ConnectionState,
  type NotificationListener,
  type RequestId,
  type ServerNotification,
  type ServerRequest,
  type ServerRequestAnsweredListener,
  type ServerRequestHandler,
} from './connection.js';
export {
  type BrandedErrorClass,
  CODEXUS_ERROR_CODES,
  CodexRpcError,
  type CodexRpcErrorKind,
  CodexusError,
  type CodexusErrorCode,
  type CodexusErrorOptions,
  classifyRpcError,
  RPC_ERROR_KINDS,
  RPC_INTERNAL_ERROR,
  RPC_INVALID_PARAMS,
  RPC_INVALID_REQUEST,
  RPC_METHOD_NOT_FOUND,
  RPC_SERVER_OVERLOADED,
  validationError,
} from './errors.js';
export {
  type ClientInfo,
  DEFAULT_CLIENT_INFO,
  type HandshakeOptions,
  handshake,
  type ServerInfo,
} from './handshake.js';
export {
  type AppServerAuth,
  type LaunchAppServerOptions,
  LaunchedAppServer,
  launchAppServer,
} from './launch-app-server.js';
export {
  DEFAULT_MAX_LINE_BYTES,
  type DecodedLine,
  LineDecoder,
  type LineDecoderOptions,
} from './line-decoder.js';
export { consoleLogger, type Logger, silentLogger, type WireTrace, type WireTraceEntry } from './logger.js';
export { type MemoryServerEnd, MemoryTransport } from './memory-transport.js';
export type { ConnectionMetricsSnapshot } from './metrics.js';
export {
  DEFAULT_JWT_TTL_MS,
  MIN_JWT_SECRET_BYTES,
  type ParsedRemote,
  parseRemote,
  type RemoteAuthMode,
  type RemoteJwtOptions,
  type RemoteOptions,
  remoteHeaders,
} from './remote-config.js';
export type { RequestOptions } from './request-options.js';
export {
  CODEX_BIN_ENV,
  type ResolveCodexBinOptions,
  type ResolvedCodexBin,
  resolveCodexBin,
} from './resolve-codex-bin.js';
export { StdioTransport, type StdioTransportOptions } from './stdio-transport.js';
export { type Subscription, toSubscription } from './subscription.js';
export type { Transport, TransportCloseInfo, TransportSink } from './transport.js';
export {
  type Compatibility,
  type CompatibilityOptions,
  checkCompatibility,
  compareVersions,
  MIN_CODEX_VERSION,
  PINNED_CODEX_VERSION,
  parseCodexVersion,
  SUPPORTED_VERSION_RANGE,
  type VersionRange,
} from './version.js';
export { WebSocketTransport, type WebSocketTransportOptions } from './websocket-transport.js';
