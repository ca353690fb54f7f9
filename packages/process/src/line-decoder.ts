/**
 * Pure newline framing: bytes in, complete lines out. Handles chunk boundaries anywhere (also inside a
 * UTF-8 sequence: lines are decoded only once complete), CRLF, blank lines, and a maximum line size.
 * Every byte is scanned once and every line is concatenated once, so multi-megabyte lines decode in
 * linear time.
 */

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
const NEWLINE = 0x0a;
const PREVIEW_BYTES = 200;

export type DecodedLine =
  | { kind: 'line'; text: string }
  /** A line longer than the limit; its bytes were dropped. `preview` holds its start for the log. */
  | { kind: 'oversized'; bytes: number; preview: string };

export interface LineDecoderOptions {
  maxLineBytes?: number;
}

export class LineDecoder {
  private readonly maxLineBytes: number;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** When set, the current line is over the limit and its bytes are being skipped. */
  private skipping: { bytes: number; preview: string } | undefined;

  constructor(options: LineDecoderOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!(this.maxLineBytes > 0)) throw new RangeError('maxLineBytes must be a positive number');
  }

  /** Feeds a chunk; returns the lines it completed, in order. */
  push(chunk: Uint8Array): DecodedLine[] {
    const out: DecodedLine[] = [];
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(NEWLINE, start);
      if (nl === -1) {
        this.append(buf.subarray(start));
        break;
      }
      if (this.pendingBytes === 0 && !this.skipping) {
        // Fast path: the whole line is inside this chunk; decode it in place, no copy.
        if (nl - start > this.maxLineBytes) {
          out.push({
            kind: 'oversized',
            bytes: nl - start,
            preview: buf.toString('utf8', start, start + PREVIEW_BYTES),
          });
        } else {
          emitText(out, buf.toString('utf8', start, nl));
        }
      } else {
        this.append(buf.subarray(start, nl));
        this.finishLine(out);
      }
      start = nl + 1;
    }
    return out;
  }

  /** Flushes a final line that had no trailing newline (call when the stream ends). */
  end(): DecodedLine[] {
    const out: DecodedLine[] = [];
    if (this.pendingBytes > 0 || this.skipping) this.finishLine(out);
    return out;
  }

  private append(part: Uint8Array): void {
    if (part.length === 0) return;
    if (this.skipping) {
      this.skipping.bytes += part.length;
      return;
    }
    if (this.pendingBytes + part.length > this.maxLineBytes) {
      const head = this.pending[0] ?? part;
      this.skipping = {
        bytes: this.pendingBytes + part.length,
        preview: Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, PREVIEW_BYTES)).toString(
          'utf8',
        ),
      };
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // Copy: the caller may reuse its buffer after push() returns.
    this.pending.push(Uint8Array.prototype.slice.call(part));
    this.pendingBytes += part.length;
  }

  private finishLine(out: DecodedLine[]): void {
    if (this.skipping) {
      out.push({ kind: 'oversized', ...this.skipping });
      this.skipping = undefined;
      return;
    }
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    emitText(out, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  }
}

/** Adds a decoded line: a trailing `\r` is dropped (CRLF), blank lines are skipped. */
function emitText(out: DecodedLine[], decoded: string): void {
  const text = decoded.endsWith('\r') ? decoded.slice(0, -1) : decoded;
  if (/\S/.test(text)) out.push({ kind: 'line', text });
}
