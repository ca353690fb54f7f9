import type { Connection } from './connection.js';
import { CodexusError } from './errors.js';
import { type Logger, silentLogger } from './logger.js';
import type { RequestOptions } from './request-options.js';
import {
  type Compatibility,
  type CompatibilityOptions,
  checkCompatibility,
  parseCodexVersion,
  resolveVersionRange,
  warnUntestedVersion,
} from './version.js';

export interface ClientInfo {
  name: string;
  version: string;
  title?: string;
}

export interface HandshakeOptions extends RequestOptions, CompatibilityOptions {
  clientInfo?: ClientInfo;
  /** Opt in to experimental methods and fields for the whole connection. */
  experimentalApi?: boolean;
  /** Exact notification method names the server should not send. */
  optOutNotificationMethods?: readonly string[];
  logger?: Logger;
}

/** What the server said in `initialize`, plus what we read from it. */
export interface ServerInfo {
  userAgent: string;
  codexHome?: string;
  platformFamily?: string;
  platformOs?: string;
  codexVersion: string;
  compatibility: Compatibility;
  experimentalApi: boolean;
  /** The raw `initialize` result. */
  raw: Record<string, unknown>;
}

export const DEFAULT_CLIENT_INFO: ClientInfo = { name: 'codexus', version: '0.1.0', title: 'codexus' };

/** `initialize` then `initialized`; reads the version and applies the compatibility guard. */
export async function handshake(connection: Connection, options: HandshakeOptions = {}): Promise<ServerInfo> {
  const logger = options.logger ?? silentLogger;
  const capabilities: Record<string, unknown> = {};
  if (options.experimentalApi) capabilities.experimentalApi = true;
  if (options.optOutNotificationMethods?.length) {
    capabilities.optOutNotificationMethods = [...options.optOutNotificationMethods];
  }
  const raw = await connection.request<Record<string, unknown>>(
    'initialize',
    { clientInfo: options.clientInfo ?? DEFAULT_CLIENT_INFO, capabilities },
    { signal: options.signal, timeoutMs: options.timeoutMs ?? 30_000 },
  );
  if (typeof raw !== 'object' || raw === null || typeof raw.userAgent !== 'string') {
    throw new CodexusError('PROTOCOL_VIOLATION', 'initialize returned no userAgent', {
      data: { result: raw },
    });
  }
  const codexVersion = parseCodexVersion(raw.userAgent);
  const compatibility = checkCompatibility(codexVersion, options);
  const warning = warnUntestedVersion(codexVersion!, compatibility, resolveVersionRange(options));
  if (warning) logger.warn(warning, { userAgent: raw.userAgent });
  await connection.notify('initialized');
  connection.markReady();
  return {
    userAgent: raw.userAgent,
    codexHome: typeof raw.codexHome === 'string' ? raw.codexHome : undefined,
    platformFamily: typeof raw.platformFamily === 'string' ? raw.platformFamily : undefined,
    platformOs: typeof raw.platformOs === 'string' ? raw.platformOs : undefined,
    codexVersion: codexVersion!,
    compatibility,
    experimentalApi: options.experimentalApi ?? false,
    raw,
  };
}
