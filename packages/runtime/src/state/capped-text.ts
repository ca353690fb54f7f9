/**
 * Bounded text: an accumulated field (assistant text, command output, a diff) keeps at most `maxBytes`
 * UTF-8 bytes. When more arrives, the start and the end are kept and the middle is replaced by an
 * explicit marker that says how many bytes were dropped.
 */

/** A capped text as it appears in the state. Invariant: `droppedBytes + bytes of text without the marker === bytes`. */
export interface CappedText {
  /** The retained text. When `droppedBytes > 0` it holds {@link truncationMarker} between the kept head and tail. */
  text: string;
  /** UTF-8 bytes of the whole text seen so far. */
  bytes: number;
  /** UTF-8 bytes dropped from the middle (0 = the text is complete). */
  droppedBytes: number;
}

/** The marker that stands where bytes were dropped. */
export function truncationMarker(droppedBytes: number): string {
  return `\n…[codexus: ${droppedBytes} bytes truncated]…\n`;
}

/** Matches a {@link truncationMarker}; group 1 is the number of bytes dropped. */
export const TRUNCATION_MARKER_PATTERN = /\n…\[codexus: (\d+) bytes truncated\]…\n/;

/** Room kept for the marker inside the budget (the longest marker is shorter). */
const MARKER_RESERVE = 64;

/** The smallest `maxBytes` a capped field accepts. */
export const MIN_CAPPED_BYTES = 256;

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Bytes JSON escaping adds to `text` (`\n` and `"` take two bytes, other control characters six). */
export function jsonEscapeExtra(text: string): number {
  // JSON.stringify is native and about twice as fast as a charCodeAt loop on large output.
  return JSON.stringify(text).length - text.length - 2;
}

/** The size of `text` as a JSON string (quotes included). */
export function jsonStringBytes(text: string): number {
  return utf8Length(text) + jsonEscapeExtra(text) + 2;
}

/** The longest prefix of `text` with at most `maxBytes` UTF-8 bytes (never splits a character). */
export function utf8Head(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  while (end > 0 && isContinuation(bytes[end])) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/** The longest suffix of `text` with at most `maxBytes` UTF-8 bytes (never splits a character). */
export function utf8Tail(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let start = bytes.length - Math.max(0, maxBytes);
  while (start < bytes.length && isContinuation(bytes[start])) start++;
  return bytes.subarray(start).toString('utf8');
}

function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

/** `text` capped to `maxBytes` (a plain string, with the marker when something was dropped). */
export function capString(text: string, maxBytes: number): string {
  return capText(text, maxBytes).text;
}

/**
 * Accumulates appended text within a byte budget. Appends cost O(delta) amortized: the tail may grow to
 * twice its budget before it is cut back, and {@link view} shows exactly the budget.
 */
export class TextAccumulator {
  private head = '';
  private headBytes = 0;
  private headExtra = 0;
  private tail = '';
  private tailBytes = 0;
  private tailExtra = 0;
  private dropped = 0;
  private total = 0;
  private truncated = false;
  private readonly limit: number;
  private readonly headBudget: number;
  private readonly tailBudget: number;

  constructor(maxBytes: number) {
    this.limit = Math.max(maxBytes, MIN_CAPPED_BYTES);
    const usable = this.limit - MARKER_RESERVE;
    this.headBudget = Math.floor(usable / 2);
    this.tailBudget = usable - this.headBudget;
  }

  /** Rebuilds an accumulator from a capped text (e.g. from a snapshot). */
  static from(capped: CappedText, maxBytes: number): TextAccumulator {
    const accumulator = new TextAccumulator(maxBytes);
    const marker = capped.droppedBytes > 0 ? truncationMarker(capped.droppedBytes) : '';
    const at = marker ? capped.text.lastIndexOf(marker) : -1;
    if (at < 0) {
      accumulator.head = capped.text;
      accumulator.headBytes = utf8Length(capped.text);
      accumulator.headExtra = jsonEscapeExtra(capped.text);
      accumulator.total = Math.max(capped.bytes, accumulator.headBytes);
      return accumulator;
    }
    accumulator.truncated = true;
    accumulator.head = capped.text.slice(0, at);
    accumulator.headBytes = utf8Length(accumulator.head);
    accumulator.headExtra = jsonEscapeExtra(accumulator.head);
    accumulator.tail = capped.text.slice(at + marker.length);
    accumulator.tailBytes = utf8Length(accumulator.tail);
    accumulator.tailExtra = jsonEscapeExtra(accumulator.tail);
    accumulator.dropped = capped.droppedBytes;
    accumulator.total = capped.bytes;
    return accumulator;
  }

  /** UTF-8 bytes seen so far. */
  get bytes(): number {
    return this.total;
  }

  /** UTF-8 bytes the view holds (the marker counted at its reserve). Never above `maxBytes`. */
  get retainedBytes(): number {
    if (!this.truncated) return this.headBytes;
    return this.headBytes + MARKER_RESERVE + Math.min(this.tailBytes, this.tailBudget);
  }

  /** Estimated size of the view as JSON (escapes counted), for the projection's byte accounting. */
  get jsonBytes(): number {
    if (!this.truncated) return this.headBytes + this.headExtra + 2;
    const shown = Math.min(this.tailBytes, this.tailBudget);
    const tailExtra = this.tailBytes === 0 ? 0 : Math.ceil((this.tailExtra * shown) / this.tailBytes);
    return this.headBytes + this.headExtra + MARKER_RESERVE + shown + tailExtra + 2;
  }

  get droppedBytes(): number {
    if (!this.truncated) return 0;
    return this.dropped + Math.max(0, this.tailBytes - this.tailBudget);
  }

  append(delta: string): void {
    if (delta.length === 0) return;
    const n = utf8Length(delta);
    this.total += n;
    if (!this.truncated) {
      if (this.headBytes + n <= this.limit) {
        this.head += delta;
        this.headBytes += n;
        this.headExtra += jsonEscapeExtra(delta);
        return;
      }
      const all = this.head + delta;
      const allBytes = this.headBytes + n;
      this.head = utf8Head(all, this.headBudget);
      this.headBytes = utf8Length(this.head);
      this.headExtra = jsonEscapeExtra(this.head);
      this.truncated = true;
      this.pushTail(all.slice(this.head.length), allBytes - this.headBytes);
      return;
    }
    this.pushTail(delta, n);
  }

  /** Replaces the whole text (e.g. the authoritative text of a completed item). */
  replace(text: string): void {
    this.head = '';
    this.headBytes = 0;
    this.headExtra = 0;
    this.tail = '';
    this.tailBytes = 0;
    this.tailExtra = 0;
    this.dropped = 0;
    this.total = 0;
    this.truncated = false;
    this.append(text);
  }

  view(): CappedText {
    if (!this.truncated) return { text: this.head, bytes: this.total, droppedBytes: 0 };
    const tail = this.tailBytes > this.tailBudget ? utf8Tail(this.tail, this.tailBudget) : this.tail;
    const dropped = this.dropped + (this.tailBytes - utf8Length(tail));
    return { text: this.head + truncationMarker(dropped) + tail, bytes: this.total, droppedBytes: dropped };
  }

  private pushTail(text: string, bytes: number): void {
    if (bytes >= this.tailBudget) {
      const kept = utf8Tail(text, this.tailBudget);
      const keptBytes = utf8Length(kept);
      this.dropped += this.tailBytes + (bytes - keptBytes);
      this.setTail(kept, keptBytes);
      return;
    }
    this.tail += text;
    this.tailBytes += bytes;
    this.tailExtra += jsonEscapeExtra(text);
    if (this.tailBytes > 2 * this.tailBudget) {
      const kept = utf8Tail(this.tail, this.tailBudget);
      const keptBytes = utf8Length(kept);
      this.dropped += this.tailBytes - keptBytes;
      this.setTail(kept, keptBytes);
    }
  }

  private setTail(text: string, bytes: number): void {
    this.tail = text;
    this.tailBytes = bytes;
    this.tailExtra = jsonEscapeExtra(text);
  }
}

/** A capped text made at once from a whole string. */
export function capText(text: string, maxBytes: number): CappedText {
  const accumulator = new TextAccumulator(maxBytes);
  accumulator.append(text);
  return accumulator.view();
}
