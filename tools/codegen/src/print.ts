/** Small printing helpers shared by the emitters (quoting, identifiers, doc comments, layout). */

/** Target line width; emitters break a construct over several lines when its flat form is longer. */
export const LINE_WIDTH = 110;

/** A single-quoted TypeScript string literal. */
export function quote(value: string): string {
  const json = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${json}'`;
}

/** A literal value as TypeScript source. */
export function literal(value: string | number | boolean): string {
  return typeof value === 'string' ? quote(value) : String(value);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** An object key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return isIdentifier(name) ? name : quote(name);
}

/** Normalises description text: trims, drops trailing spaces, neutralises comment terminators. */
export function cleanDoc(text: string): string[] {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/\s+$/, '').replace(/\*\//g, '*\\/'));
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  // A line starting with "@" would be read as a JSDoc tag.
  return lines.map((l) => (/^\s*@/.test(l) ? l.replace('@', '\\@') : l));
}

/**
 * A JSDoc block from paragraphs (each may span lines) and tag lines, indented by `indent`.
 * Returns '' when there is nothing to say. A single short line becomes `/** text *\/`.
 */
export function docComment(paragraphs: (string | undefined)[], tags: string[], indent: string): string {
  const width = LINE_WIDTH - indent.length - 3;
  const blocks = paragraphs
    .filter((p): p is string => p !== undefined && p.trim() !== '')
    .map((p) => wrapDoc(cleanDoc(p), width));
  const lines: string[] = [];
  for (const block of blocks) {
    if (lines.length > 0) lines.push('');
    lines.push(...block);
  }
  if (tags.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push(...tags.flatMap(cleanDocTag));
  }
  if (lines.length === 0) return '';
  if (lines.length === 1 && indent.length + lines[0]!.length + 7 <= LINE_WIDTH) {
    return `${indent}/** ${lines[0]} */\n`;
  }
  return `${indent}/**\n${lines.map((l) => (l === '' ? `${indent} *` : `${indent} * ${l}`)).join('\n')}\n${indent} */\n`;
}

/**
 * Word-wraps prose lines longer than `width`. Lines inside code fences, indented lines and table
 * rows are kept as they are (re-wrapping them would change their meaning).
 */
export function wrapDoc(lines: string[], width: number): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of lines) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced || line.length <= width || /^\s/.test(line) || line.startsWith('|') || /^\s*```/.test(line)) {
      out.push(line);
      continue;
    }
    let current = '';
    for (const word of line.split(' ')) {
      if (current !== '' && current.length + 1 + word.length > width) {
        out.push(current);
        current = word;
      } else current = current === '' ? word : `${current} ${word}`;
    }
    out.push(current);
  }
  return out;
}

function cleanDocTag(tag: string): string[] {
  return tag.split('\n').map((l) => l.replace(/\s+$/, '').replace(/\*\//g, '*\\/'));
}

/**
 * `import type { A, B } from './types.js';` for the given names (sorted, one per line when long).
 * Generated files import type names one by one rather than as a namespace, so the published
 * declarations only mention names the package exports.
 */
export function typeImport(names: Iterable<string>, from = './types.js'): string {
  const sorted = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length === 0) return '';
  const flat = `import type { ${sorted.join(', ')} } from '${from}';`;
  if (flat.length <= LINE_WIDTH) return flat;
  return `import type {\n${sorted.map((n) => `  ${n},`).join('\n')}\n} from '${from}';`;
}
