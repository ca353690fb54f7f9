/**
 * Turns a config object into codex's repeated `-c key=value` arguments, values written as TOML.
 * Nested objects become dotted keys: `{ model_providers: { x: { base_url: 'u' } } }` →
 * `-c model_providers.x.base_url="u"`. Dots inside a key are path separators, as with `codex -c`.
 */

export type ConfigValue =
  | string
  | number
  | boolean
  | readonly ConfigValue[]
  | { readonly [key: string]: ConfigValue };
export type ConfigOverrides = { readonly [key: string]: ConfigValue };

export function configOverrideArgs(overrides: ConfigOverrides | undefined): string[] {
  const args: string[] = [];
  if (!overrides) return args;
  const walk = (prefix: string, value: ConfigValue): void => {
    if (isTable(value)) {
      const keys = Object.keys(value);
      if (keys.length === 0) throw new TypeError(`config override ${prefix}: empty table`);
      for (const key of keys) walk(`${prefix}.${tomlKey(key)}`, value[key]!);
      return;
    }
    args.push('-c', `${prefix}=${tomlValue(value, prefix)}`);
  };
  for (const key of Object.keys(overrides)) walk(tomlKey(key), overrides[key]!);
  return args;
}

function isTable(value: ConfigValue): value is { readonly [key: string]: ConfigValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A key path as codex's `-c` reads it: dots separate segments (`'features.plugins'` is the `plugins`
 * key of the `features` table); a segment that is not a bare key is quoted.
 */
export function tomlKey(key: string): string {
  return key
    .split('.')
    .map((segment) => (/^[A-Za-z0-9_-]+$/.test(segment) ? segment : JSON.stringify(segment)))
    .join('.');
}

/** A TOML value (basic strings use JSON escapes, which TOML accepts). */
export function tomlValue(value: ConfigValue, path = 'value'): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new TypeError(`config override ${path}: ${value} is not a finite number`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => tomlValue(v, `${path}[${i}]`)).join(', ')}]`;
  if (isTable(value)) {
    const entries = Object.keys(value).map((k) => `${tomlKey(k)} = ${tomlValue(value[k]!, `${path}.${k}`)}`);
    return `{ ${entries.join(', ')} }`;
  }
  throw new TypeError(`config override ${path}: unsupported value`);
}
