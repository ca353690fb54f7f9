import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A PEM file (shipped with the testkit, alone in its folder) holding one self-signed CA certificate
 * whose private key was destroyed when it was made, so no server can present a certificate that
 * chains to it.
 *
 * A hermetic run points every TLS trust store codex reads at it ({@link trustStoreEnv}):
 * - fail closed: any `https://` request (a real model endpoint reached by mistake, or a command the
 *   agent runs) fails certificate verification, while the scripted model is plain `http://` on
 *   loopback and is unaffected;
 * - independent of the machine: codex 0.169 builds its HTTP clients on every turn and parses the
 *   machine's whole root store each time (≈ 20 ms of a ≈ 50 ms warm turn with Debian's ~150 roots
 *   on a 2-vCPU machine), so turn latency no longer depends on what the host trusts.
 */
export const HERMETIC_CA_PATH: string = fileURLToPath(new URL('../assets/hermetic-ca.pem', import.meta.url));

/**
 * The variables that choose the trust store of codex 0.169: `CODEX_CA_CERTIFICATE` (its own HTTP
 * client: trust only this PEM file), and `SSL_CERT_FILE` / `SSL_CERT_DIR` (the system roots, which
 * other clients in codex and the commands it runs load).
 */
export const TRUST_STORE_ENV_KEYS = ['CODEX_CA_CERTIFICATE', 'SSL_CERT_FILE', 'SSL_CERT_DIR'] as const;

/** How codex's TLS trust store is chosen: the testkit's {@link HERMETIC_CA_PATH}, or the machine's roots. */
export type TrustStore = 'hermetic' | 'system';

/**
 * The environment entries for a trust store, to merge over `process.env`. `system` removes the
 * variables (a value of `undefined` is dropped when spawning), so inherited ones do not apply.
 */
export function trustStoreEnv(trustStore: TrustStore = 'hermetic'): Record<string, string | undefined> {
  const hermetic = trustStore === 'hermetic';
  return {
    CODEX_CA_CERTIFICATE: hermetic ? HERMETIC_CA_PATH : undefined,
    SSL_CERT_FILE: hermetic ? HERMETIC_CA_PATH : undefined,
    SSL_CERT_DIR: hermetic ? dirname(HERMETIC_CA_PATH) : undefined,
  };
}
