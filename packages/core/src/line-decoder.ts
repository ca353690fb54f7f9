// The line framing lives in the process leaf; core re-exports it unchanged.
export {
  DEFAULT_MAX_LINE_BYTES,
  type DecodedLine,
  LineDecoder,
  type LineDecoderOptions,
} from '@codexus/process';
