/** Loose readers of wire payloads: unknown fields are ignored, missing ones are `undefined`. */

export type Rec = Record<string, unknown>;

export function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function rec(value: unknown): Rec {
  return isRecord(value) ? value : {};
}

/** One parsed JSON-RPC message, or `undefined` for a line that is not a JSON object. */
export function parseMessage(text: string): Rec | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The id of a JSON-RPC message as a map key (server and client ids are kept in separate maps). */
export function idKey(id: unknown): string | undefined {
  return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
}

/** A tagged value's tag: `"other"` → `other`, `{httpConnectionFailed:{...}}` → `httpConnectionFailed`. */
export function tagOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value)) return Object.keys(value)[0];
  return undefined;
}
