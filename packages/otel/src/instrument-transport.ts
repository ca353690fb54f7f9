import type { Transport } from '@codexus/core';
import { Instruments } from './instruments.js';
import { resolveTelemetryOptions, type TelemetryOptions } from './telemetry-options.js';
import { TelemetryTransport } from './telemetry-transport.js';
import { WireObserver } from './wire-observer.js';

/** Wraps one transport (e.g. for `connect` from `@codexus/core`) so its connection is instrumented. */
export function instrumentTransport(transport: Transport, options: TelemetryOptions = {}): Transport {
  const resolved = resolveTelemetryOptions(options);
  return new TelemetryTransport(
    transport,
    new WireObserver(resolved, new Instruments(resolved.meter), transport.kind),
  );
}
