import { CodexusError } from '@codexus/core';
import { type ClientConfig, toolSpecs } from '@codexus/runtime';
import type { WebProfile } from '../web-adapter.js';

/**
 * The client config `WebAdapter.connect` connects with: when a profile has in-process tools, codex's
 * experimental capability is opened for them (`dynamicTools: true`, on the wire only; the local
 * experimental gate stays closed). Every profile's tools are checked first (`VALIDATION_FAILED`),
 * so bad tools are refused before codex is spawned.
 */
export function webClientConfig(
  profiles: Readonly<Record<string, WebProfile>> | undefined,
  client: ClientConfig,
): ClientConfig {
  let usesTools = false;
  for (const [name, profile] of Object.entries(profiles ?? {})) {
    if (profile?.tools === undefined) continue;
    try {
      usesTools ||= toolSpecs(profile.tools).length > 0;
    } catch (error) {
      if (!CodexusError.is(error, 'VALIDATION_FAILED')) throw error;
      const path = `profiles.${name}.${(error.data as { path?: string } | undefined)?.path ?? 'tools'}`;
      throw new CodexusError('VALIDATION_FAILED', `profile "${name}": ${error.message}`, {
        data: { path },
        cause: error,
      });
    }
  }
  return usesTools ? { ...client, dynamicTools: true } : client;
}
