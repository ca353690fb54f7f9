import { describe, expect, it } from 'vitest';
import { TailBuffer } from './tail-buffer.js';

describe('TailBuffer', () => {
  it('keeps only the last `limit` bytes however much is pushed', () => {
    const tail = new TailBuffer(10);
    for (let i = 0; i < 10_000; i += 1) tail.push(Buffer.from(`line ${i}\n`));
    expect(tail.text()).toBe('\nline 9999\n'.slice(-10));
    expect(Buffer.byteLength(tail.text())).toBeLessThanOrEqual(10);
  });

  it('drops a UTF-8 sequence cut at the start', () => {
    const tail = new TailBuffer(5);
    tail.push(Buffer.from('ééé'));
    expect(tail.text()).toBe('éé');
  });
});
