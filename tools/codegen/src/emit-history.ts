import type { MethodGroup } from './classify-methods.js';
import { compareVersionText, type HistoryEntry, historyOf } from './history.js';
import { type GenerationModel, GROUP_NAMES } from './model.js';
import { METHOD_UNIONS } from './policy.js';
import { propertyKey } from './print.js';

/**
 * Pass 8 of the pipeline: `history.ts`, the per-method presence across the recorded codex
 * versions (the method history entries older than the pin, then the pin itself from its full
 * snapshot). `methodSupport()` in the protocol package reads it.
 */

const GROUPS = Object.keys(METHOD_UNIONS) as MethodGroup[];

/** The entries used for generation, oldest first, ending with the pin; newer entries are an error. */
export function historyWithPin(model: GenerationModel, history: readonly HistoryEntry[]): HistoryEntry[] {
  const newer = history.filter((e) => compareVersionText(e.codexVersion, model.version) > 0);
  if (newer.length > 0) {
    throw new Error(
      `method history holds ${newer.map((e) => e.codexVersion).join(', ')}, newer than the vendored snapshot ${model.version}: move the pin (codexus-codegen snapshot) first`,
    );
  }
  const pin = historyOf(model, { codexVersionOutput: '', date: '', source: '', commands: [] });
  return [...history.filter((e) => e.codexVersion !== model.version), pin];
}

export function emitHistory(model: GenerationModel, history: readonly HistoryEntry[]): string {
  const entries = historyWithPin(model, history);
  const out: string[] = ["import type { MethodGroup } from '../method-info.js';", ''];
  out.push(
    '/** The codex versions whose method lists are recorded (schema/history/ and the pin), oldest first. */',
  );
  out.push(`export const HISTORY_VERSIONS: readonly string[] = [`);
  for (const e of entries) out.push(`  '${e.codexVersion}',`);
  out.push('];');
  out.push('');
  out.push('/**');
  out.push(' * Per group and method: bit `i` is set when `HISTORY_VERSIONS[i]` has the method (written');
  out.push(' * newest version first, so the leftmost digit is the pin). Methods that only older versions');
  out.push(' * have are included.');
  out.push(' */');
  out.push(
    'export const METHOD_PRESENCE: { readonly [G in MethodGroup]: { readonly [method: string]: number } } = {',
  );
  for (const group of GROUPS) {
    const names = [...new Set(entries.flatMap((e) => Object.keys(e.methods[group])))].sort();
    out.push(`  ${GROUP_NAMES[group].singular}: {`);
    for (const name of names) {
      const bits = entries
        .map((e) => (Object.hasOwn(e.methods[group], name) ? '1' : '0'))
        .reverse()
        .join('');
      out.push(`    ${propertyKey(name)}: 0b${bits},`);
    }
    out.push('  },');
  }
  out.push('};');
  return out.join('\n');
}
