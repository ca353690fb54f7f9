import { TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { traceContextOf, withTraceMember } from './trace-context.js';

const span = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED };

describe('trace context on the request envelope', () => {
  it('formats a version-00 traceparent, with tracestate only when there is one', () => {
    expect(traceContextOf(span)).toEqual({ traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` });
    expect(traceContextOf({ ...span, traceFlags: TraceFlags.NONE }).traceparent.endsWith('-00')).toBe(true);
    const traceState = { serialize: () => 'k=v' } as never;
    expect(traceContextOf({ ...span, traceState })).toMatchObject({ tracestate: 'k=v' });
  });

  it('adds a top-level `trace` member and keeps the rest byte for byte (exact id text)', () => {
    const text = '{"id":12345678901234567890,"method":"turn/start","params":{"threadId":"t"}}';
    const out = withTraceMember(text, { traceparent: 'tp' });
    expect(out).toBe(
      `{"trace":{"traceparent":"tp"},"id":12345678901234567890,"method":"turn/start","params":{"threadId":"t"}}`,
    );
    expect(JSON.parse(out)).toMatchObject({ trace: { traceparent: 'tp' }, method: 'turn/start' });
  });
});
