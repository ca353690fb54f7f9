import type { RequestId } from '@codexus/core';

/** A map key for a JSON-RPC id: `1` and `"1"` are different requests. */
export function requestKey(id: RequestId): string {
  return `${typeof id}:${String(id)}`;
}
