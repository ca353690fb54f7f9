import { createCodexTransport, createRemoteTransport, type Transport } from '@codexus/core';
import type { RuntimeConfig } from '@codexus/runtime';
import { Instruments } from './instruments.js';
import { guard } from './internal/guard.js';
import { resolveTelemetryOptions, type TelemetryOptions } from './telemetry-options.js';
import { TelemetryTransport } from './telemetry-transport.js';
import { WireObserver } from './wire-observer.js';

/**
 * Instruments a `Client` or `Runtime` config: returns the same config whose `transport` factory wraps
 * the transport codexus would use (spawned codex, `remote`, or your own `transport`) so that every
 * connection, also after a restart, reports spans and metrics and sends the trace context to codex.
 *
 * ```ts
 * const client = await Client.connect(withTelemetry({ codexHome }, { tracer }));
 * ```
 *
 * Codex then counts as reached through a transport: `startSession` leaves the `cwd` check to codex.
 */
export function withTelemetry<C extends RuntimeConfig>(config: C, options: TelemetryOptions = {}): C {
  const resolved = resolveTelemetryOptions(options);
  const instruments = new Instruments(resolved.meter);
  const base = config.transport;
  const inner = (): Transport =>
    base
      ? base()
      : config.remote
        ? createRemoteTransport(config.remote, config)
        : createCodexTransport(config);
  // the returned config reaches codex through `transport` alone: `remote` lives on in the factory
  const { remote: _remote, ...rest } = config;
  return {
    ...(rest as C),
    transport: () => {
      let transport: Transport;
      try {
        transport = inner();
      } catch (error) {
        // no transport at all (e.g. no codex binary): the connect span still says why
        guard(() => new WireObserver(resolved, instruments, undefined).connectFailed(error));
        throw error;
      }
      return new TelemetryTransport(transport, new WireObserver(resolved, instruments, transport.kind));
    },
  };
}
