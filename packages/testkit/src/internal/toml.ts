/**
 * A minimal TOML writer for config.toml: strings, numbers, booleans, arrays of those, and nested
 * tables. Top-level keys are written before any table (a key after a `[table]` header would belong
 * to that table), and each table's scalar keys before its sub-tables.
 */
export type TomlValue = string | number | boolean | readonly TomlValue[] | TomlTable;
export interface TomlTable {
  readonly [key: string]: TomlValue | undefined;
}

function isTable(value: TomlValue): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A bare key when it may be one, else a quoted key. */
export function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

/** A TOML literal for a scalar or an inline array. JSON string escapes are valid TOML basic strings. */
export function tomlLiteral(value: TomlValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`TOML cannot hold the number ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => tomlLiteral(item)).join(', ')}]`;
  const entries = Object.entries(value).filter(
    (entry): entry is [string, TomlValue] => entry[1] !== undefined,
  );
  return `{ ${entries.map(([key, item]) => `${tomlKey(key)} = ${tomlLiteral(item)}`).join(', ')} }`;
}

/** Renders a table as a TOML document. `undefined` values are left out. */
export function toToml(table: TomlTable): string {
  const blocks: string[] = [];
  const write = (current: TomlTable, path: string[]): void => {
    const lines: string[] = [];
    const tables: Array<[string, TomlTable]> = [];
    for (const [key, value] of Object.entries(current)) {
      if (value === undefined) continue;
      if (isTable(value)) tables.push([key, value]);
      else lines.push(`${tomlKey(key)} = ${tomlLiteral(value)}`);
    }
    if (path.length > 0 && (lines.length > 0 || tables.length === 0)) {
      blocks.push([`[${path.map(tomlKey).join('.')}]`, ...lines].join('\n'));
    } else if (lines.length > 0) {
      blocks.push(lines.join('\n'));
    }
    for (const [key, value] of tables) write(value, [...path, key]);
  };
  write(table, []);
  return `${blocks.join('\n\n')}\n`;
}

/** `override` merged into `base`, tables recursively; other values (arrays included) replace. */
export function mergeTables(base: TomlTable, override: TomlTable): TomlTable {
  const result: Record<string, TomlValue | undefined> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = result[key];
    result[key] =
      value !== undefined && existing !== undefined && isTable(existing) && isTable(value)
        ? mergeTables(existing, value)
        : value;
  }
  return result;
}
