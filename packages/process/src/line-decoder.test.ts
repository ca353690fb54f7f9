import { describe, expect, it } from 'vitest';
import { type DecodedLine, LineDecoder } from './line-decoder.js';

const texts = (lines: DecodedLine[]) =>
  lines.map((l) => (l.kind === 'line' ? l.text : `<oversized ${l.bytes}>`));

describe('LineDecoder', () => {
  it('splits on newlines across chunk boundaries anywhere', () => {
    const input = Buffer.from('{"a":1}\n{"b":2}\n{"c":3}\n');
    for (let cut = 1; cut < input.length; cut++) {
      const d = new LineDecoder();
      const out = [...d.push(input.subarray(0, cut)), ...d.push(input.subarray(cut)), ...d.end()];
      expect(texts(out)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    }
  });

  it('handles CRLF and skips blank lines', () => {
    const d = new LineDecoder();
    expect(texts(d.push(Buffer.from('one\r\n\r\n  \ntwo\r\n')))).toEqual(['one', 'two']);
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const bytes = Buffer.from('{"t":"héllo ✓ 😀"}\n');
    const d = new LineDecoder();
    const out: DecodedLine[] = [];
    for (const byte of bytes) out.push(...d.push(Uint8Array.of(byte)));
    expect(texts(out)).toEqual(['{"t":"héllo ✓ 😀"}']);
  });

  it('flushes a last line without newline on end()', () => {
    const d = new LineDecoder();
    expect(d.push(Buffer.from('partial'))).toEqual([]);
    expect(texts(d.end())).toEqual(['partial']);
    expect(d.end()).toEqual([]);
  });

  it('drops an oversized line, reports its size, and keeps going', () => {
    const d = new LineDecoder({ maxLineBytes: 10 });
    const out = [...d.push(Buffer.from('ok\n0123456789ABCDEF')), ...d.push(Buffer.from('GH\nnext\n'))];
    expect(texts(out)).toEqual(['ok', '<oversized 18>', 'next']);
    const oversized = out[1] as Extract<DecodedLine, { kind: 'oversized' }>;
    expect(oversized.preview.startsWith('0123456789')).toBe(true);
  });

  it('does not keep a reference to the caller buffer', () => {
    const d = new LineDecoder();
    const chunk = Buffer.from('abc');
    d.push(chunk);
    chunk.fill(0x78);
    expect(texts(d.push(Buffer.from('\n')))).toEqual(['abc']);
  });

  it('decodes multi-megabyte lines in linear time (many small chunks)', () => {
    const big = `{"x":"${'y'.repeat(8 * 1024 * 1024)}"}\n`;
    const buf = Buffer.from(big);
    const d = new LineDecoder();
    const out: DecodedLine[] = [];
    // 64 KiB chunks, as a pipe delivers them: quadratic concatenation would take far longer.
    for (let i = 0; i < buf.length; i += 65_536) out.push(...d.push(buf.subarray(i, i + 65_536)));
    expect(out).toHaveLength(1);
    expect((out[0] as { text: string }).text.length).toBe(big.length - 1);
  });

  it('never holds more than maxLineBytes of an over-long line', () => {
    const d = new LineDecoder({ maxLineBytes: 1024 * 1024 });
    const held = () => (d as unknown as { pendingBytes: number }).pendingBytes;
    const chunk = Buffer.alloc(65_536, 0x79);
    let most = 0;
    for (let i = 0; i < 160; i += 1) {
      expect(d.push(chunk)).toEqual([]);
      most = Math.max(most, held());
    }
    expect(most).toBeLessThanOrEqual(1024 * 1024);
    expect(held()).toBe(0);
    expect(d.end()).toMatchObject([{ kind: 'oversized', bytes: 160 * 65_536 }]);
  });

  it('rejects a non-positive limit', () => {
    expect(() => new LineDecoder({ maxLineBytes: 0 })).toThrow(RangeError);
  });
});
