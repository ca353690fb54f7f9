import { generatedHeader } from './policy.js';

/**
 * The last pass of the pipeline: every generated file gets the DO NOT EDIT header and a canonical
 * layout (LF line ends, no trailing spaces, at most one blank line in a row, one final newline).
 * The emitters already print in the repository style (single quotes, 2 spaces, 110 columns), so
 * this pass only normalises whitespace; it is what makes the output byte-for-byte deterministic.
 */
export function formatGenerated(body: string, codexVersion: string, summary?: string): string {
  const lines = body
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''));
  const text = lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .replace(/\n*$/, '\n');
  const head = [generatedHeader(codexVersion)];
  if (summary) head.push(`// ${summary}`);
  return `${head.join('\n')}\n\n${text}`;
}
