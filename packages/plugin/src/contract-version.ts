/**
 * The version of the hook contracts in this package (semver). A hook built against another major
 * is refused at registration; minors and patches are compatible.
 */
export const PLUGIN_CONTRACT_VERSION = '1.0.0';

export type ContractCheck = { compatible: true } | { compatible: false; reason: string };

/**
 * The major-version gate: `undefined` (the hook declares nothing) means this version. A declared
 * version must be `MAJOR`, `MAJOR.MINOR` or `MAJOR.MINOR.PATCH` with the same major as
 * {@link PLUGIN_CONTRACT_VERSION}.
 */
export function checkContractVersion(declared: unknown): ContractCheck {
  if (declared === undefined) return { compatible: true };
  const major = typeof declared === 'string' ? /^(\d+)(?:\.\d+){0,2}$/.exec(declared.trim())?.[1] : undefined;
  if (major === undefined) {
    return {
      compatible: false,
      reason: `contractVersion ${JSON.stringify(declared)} is not a version like "1" or "1.2.0"`,
    };
  }
  const supported = contractMajor(PLUGIN_CONTRACT_VERSION);
  if (Number(major) !== supported) {
    return {
      compatible: false,
      reason: `it declares hook contract ${String(declared)}, but this codexus supports ${supported}.x (PLUGIN_CONTRACT_VERSION ${PLUGIN_CONTRACT_VERSION})`,
    };
  }
  return { compatible: true };
}

function contractMajor(version: string): number {
  return Number(version.split('.')[0]);
}
