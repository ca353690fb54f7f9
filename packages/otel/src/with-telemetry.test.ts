import type { RuntimeConfig } from '@codexus/runtime';
import { describe, expect, it } from 'vitest';
import { withTelemetry } from './with-telemetry.js';

describe('withTelemetry config', () => {
  it('keeps every option but moves `remote` into the transport factory (one target per connect)', () => {
    const remote = { url: 'ws://127.0.0.1:1' };
    const config = withTelemetry<RuntimeConfig>({ remote, requestTimeoutMs: 1234 });
    expect(config).not.toHaveProperty('remote');
    expect(config.requestTimeoutMs).toBe(1234);
    expect(typeof config.transport).toBe('function');
    // the factory makes the remote transport (nothing connects until `start`)
    expect(config.transport?.().kind).toBe('websocket');
  });
});
