import type { ClientConfig } from '@codexus/runtime';

/**
 * The client settings layers 1 and 2 accept: which codex to run and how. Everything else (restart
 * supervision, experimental API, custom transports, ...) is layer 3 (`Client.connect`).
 */
export type QuickClientOptions = Pick<
  ClientConfig,
  | 'codexBin'
  | 'codexHome'
  | 'home'
  | 'env'
  | 'configOverrides'
  | 'logger'
  | 'trace'
  | 'remote'
  | 'versionRange'
  | 'allowUntestedVersion'
>;

/** The keys of {@link QuickClientOptions}, for validation and picking. */
export const QUICK_CLIENT_KEYS = [
  'codexBin',
  'codexHome',
  'home',
  'env',
  'configOverrides',
  'logger',
  'trace',
  'remote',
  'versionRange',
  'allowUntestedVersion',
] as const satisfies readonly (keyof QuickClientOptions)[];
