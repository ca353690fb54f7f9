import { describe, expect, it } from 'vitest';
import { parseLastEventId, serializeSseEnvelope, sseHeartbeat, sseRetry } from './sse-envelope.js';

describe('serializeSseEnvelope', () => {
  it('writes id, event and one data line, ended by a blank line', () => {
    const frame = serializeSseEnvelope({
      id: 7,
      atMs: 1,
      type: 'textDelta',
      turnId: 't',
      itemId: 'i',
      delta: 'a\nb',
    });
    expect(frame).toBe(
      'id: 7\nevent: textDelta\ndata: {"id":7,"atMs":1,"type":"textDelta","turnId":"t","itemId":"i","delta":"a\\nb"}\n\n',
    );
    expect(frame.split('\n\n')).toHaveLength(2);
  });

  it('heartbeat and retry frames', () => {
    expect(sseHeartbeat()).toBe(': heartbeat\n\n');
    expect(sseRetry(1500.7)).toBe('retry: 1500\n\n');
  });
});

describe('parseLastEventId', () => {
  it('accepts non-negative integers only', () => {
    expect(parseLastEventId('12')).toBe(12);
    expect(parseLastEventId(' 0 ')).toBe(0);
    expect(parseLastEventId(null)).toBeUndefined();
    expect(parseLastEventId('')).toBeUndefined();
    expect(parseLastEventId('-1')).toBeUndefined();
    expect(parseLastEventId('1e3')).toBeUndefined();
    expect(parseLastEventId('9'.repeat(20))).toBeUndefined();
  });
});
