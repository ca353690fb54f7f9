// Output helpers: markdown tables (read the same in a terminal and in docs), sizes, durations, and
// generated blocks between markers in a checked-in file.
import { readFileSync, writeFileSync } from 'node:fs';

/** A markdown table with padded columns. `align` holds 'l' or 'r' per column. */
export function table(headers, rows, align = []) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const pad = (text, i) => (align[i] === 'r' ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (r) => `| ${r.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

/** Bytes in kB (1000) with one decimal, or MB above 1 MB. */
export function size(bytes) {
  if (bytes === undefined || bytes === null) return '–';
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(2)} MB`;
  return `${(bytes / 1000).toFixed(1)} kB`;
}

export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function markerPair(key) {
  return [`<!-- codexus:${key}:start (generated, do not edit) -->`, `<!-- codexus:${key}:end -->`];
}

/**
 * Replaces the text between the `key` markers of `file` with `content`. With `check`, writes nothing
 * and returns whether the file is up to date. Throws when the markers are missing.
 */
export function updateBetweenMarkers(file, key, content, { check = false } = {}) {
  const [start, end] = markerPair(key);
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a === -1 || b === -1 || b < a)
    throw new Error(`${file}: markers for "${key}" not found:\n${start}\n${end}`);
  const next = `${text.slice(0, a + start.length)}\n${content.trimEnd()}\n${text.slice(b)}`;
  const upToDate = next === text;
  if (!check && !upToDate) writeFileSync(file, next);
  return { upToDate, current: text.slice(a + start.length, b).trim(), next: content.trimEnd() };
}

export function heading(text) {
  console.log(`\n== ${text}`);
}
