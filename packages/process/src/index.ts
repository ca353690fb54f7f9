/**
 * @codexus/process: the process leaf below `@codexus/core` and `@codexus/testkit`: one codex binary
 * lookup, bounded line framing and stderr tail, one shutdown ladder, a line-speaking child process
 * built from them, and one "is this pid alive" check. Node built-ins only.
 */

export {
  PROCESS_ERROR_CODES,
  ProcessError,
  type ProcessErrorCode,
  type ProcessErrorOptions,
} from './errors.js';
export {
  DEFAULT_MAX_LINE_BYTES,
  type DecodedLine,
  LineDecoder,
  type LineDecoderOptions,
} from './line-decoder.js';
export {
  LineProcess,
  type LineProcessExit,
  type LineProcessOptions,
  type LineProcessStopOptions,
  type OversizedLine,
  startLineProcess,
} from './line-process.js';
export { processAlive } from './process-alive.js';
export {
  CODEX_BIN_ENV,
  type CodexBinSource,
  type CodexPlatformTarget,
  codexPlatformTarget,
  type ResolveCodexBinOptions,
  type ResolvedCodexBin,
  resolveCodexBin,
} from './resolve-codex-bin.js';
export {
  runShutdownLadder,
  type ShutdownEscalation,
  type ShutdownLadderOptions,
  type ShutdownOutcome,
  type ShutdownStep,
  settlesWithin,
} from './shutdown-ladder.js';
export { TailBuffer } from './tail-buffer.js';
