import { describe, expect, it } from 'vitest';
import {
  type CappedText,
  capText,
  TextAccumulator,
  TRUNCATION_MARKER_PATTERN,
  truncationMarker,
  utf8Length,
} from './capped-text.js';

/** Splits a capped text at its marker and checks the invariants against the full text. */
function checkAgainst(full: string, capped: CappedText, maxBytes: number): { head: string; tail: string } {
  expect(capped.bytes).toBe(utf8Length(full));
  expect(utf8Length(capped.text)).toBeLessThanOrEqual(maxBytes);
  expect(capped.text).not.toContain('\uFFFD');
  if (capped.droppedBytes === 0) {
    expect(capped.text).toBe(full);
    return { head: full, tail: '' };
  }
  const match = TRUNCATION_MARKER_PATTERN.exec(capped.text);
  expect(match?.[1]).toBe(String(capped.droppedBytes));
  const head = capped.text.slice(0, match!.index);
  const tail = capped.text.slice(match!.index + match![0].length);
  expect(full.startsWith(head)).toBe(true);
  expect(full.endsWith(tail)).toBe(true);
  expect(capped.droppedBytes + utf8Length(head) + utf8Length(tail)).toBe(capped.bytes);
  return { head, tail };
}

describe('TextAccumulator', () => {
  it('keeps a text under the cap as it is', () => {
    const acc = new TextAccumulator(1024);
    acc.append('hello ');
    acc.append('world');
    expect(acc.view()).toEqual({ text: 'hello world', bytes: 11, droppedBytes: 0 });
    expect(acc.retainedBytes).toBe(11);
  });

  it('keeps the head and the tail with a marker that counts the dropped bytes', () => {
    const acc = new TextAccumulator(1024);
    let full = '';
    for (let i = 0; i < 2_000; i++) {
      const chunk = `line ${i}\n`;
      full += chunk;
      acc.append(chunk);
    }
    const { head, tail } = checkAgainst(full, acc.view(), 1024);
    expect(head.startsWith('line 0\nline 1\n')).toBe(true);
    expect(tail.endsWith('line 1999\n')).toBe(true);
    expect(acc.view().text).toContain(truncationMarker(acc.droppedBytes));
    expect(acc.retainedBytes).toBeLessThanOrEqual(1024);
  });

  it('never splits a multi-byte character, with small and large deltas', () => {
    const pieces = ['é', '日本語', '🙂🙃', 'a', 'ß'.repeat(300), '𝄞'];
    for (const big of [false, true]) {
      const acc = new TextAccumulator(300);
      let full = '';
      for (let i = 0; i < 400; i++) {
        const chunk = big ? pieces.join('').repeat(3) : pieces[i % pieces.length]!;
        full += chunk;
        acc.append(chunk);
        if (i % 37 === 0) checkAgainst(full, acc.view(), 300);
      }
      checkAgainst(full, acc.view(), 300);
    }
  });

  it('takes one delta larger than the whole budget', () => {
    const full = 'x'.repeat(10) + 'y'.repeat(100_000) + 'z'.repeat(10);
    const capped = capText(full, 512);
    const { head, tail } = checkAgainst(full, capped, 512);
    expect(head.startsWith('xxxxxxxxxx')).toBe(true);
    expect(tail.endsWith('zzzzzzzzzz')).toBe(true);
  });

  it('replace() starts over (the completed text is authoritative)', () => {
    const acc = new TextAccumulator(256);
    acc.append('a'.repeat(1_000));
    acc.replace('final');
    expect(acc.view()).toEqual({ text: 'final', bytes: 5, droppedBytes: 0 });
  });

  it('continues after being rebuilt from its view (a snapshot)', () => {
    const acc = new TextAccumulator(400);
    let full = '';
    for (let i = 0; i < 300; i++) {
      full += `${i},`;
      acc.append(`${i},`);
    }
    const rebuilt = TextAccumulator.from(acc.view(), 400);
    expect(rebuilt.view()).toEqual(acc.view());
    for (let i = 300; i < 600; i++) {
      full += `${i},`;
      rebuilt.append(`${i},`);
    }
    checkAgainst(full, rebuilt.view(), 400);
    expect(TextAccumulator.from({ text: 'short', bytes: 5, droppedBytes: 0 }, 400).view().text).toBe('short');
  });

  it('costs O(delta) per append once truncated (200 000 tiny appends)', () => {
    const acc = new TextAccumulator(64 * 1024);
    for (let i = 0; i < 200_000; i++) acc.append('tok ');
    expect(acc.bytes).toBe(800_000);
    expect(acc.droppedBytes).toBeGreaterThan(700_000);
    expect(acc.retainedBytes).toBeLessThanOrEqual(64 * 1024);
  });
});
