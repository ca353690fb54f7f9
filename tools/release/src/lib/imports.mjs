// The packages a built file imports: bare specifiers of import/export/require/import() in .js and
// .d.ts text, comments removed first (doc examples must not count as imports).
import { builtinModules } from 'node:module';

const PATTERNS = [
  /^\s*import\s+(?:type\s+)?[\w$*{}\s,]+?\s*from\s*['"]([^'"\n]+)['"]/gm,
  /^\s*export\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[\w$\s,]*\})\s*from\s*['"]([^'"\n]+)['"]/gm,
  /^\s*import\s*['"]([^'"\n]+)['"]/gm,
  /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g,
  /\brequire\(\s*['"]([^'"\n]+)['"]\s*\)/g,
];

const BUILTINS = new Set(builtinModules);

export function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
}

/** The package name of a bare specifier (`valibot/x` → `valibot`), or undefined for relative/builtin. */
export function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:'))
    return undefined;
  if (specifier.startsWith('#')) return undefined; // package imports map
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (BUILTINS.has(name)) return undefined;
  return name;
}

/** Package names imported by the given file texts, sorted. */
export function importedPackages(texts) {
  const names = new Set();
  for (const text of texts) {
    const code = stripComments(text);
    for (const re of PATTERNS) {
      for (const m of code.matchAll(re)) {
        const name = packageOf(m[1]);
        if (name) names.add(name);
      }
    }
  }
  return [...names].sort();
}
