/**
 * A small line diff for the `check` report. Common leading and trailing lines are trimmed; what is
 * left is shown as one hunk with context. That is exact for a single edit (the usual case of a
 * hand-edited generated file) and still readable for scattered edits, whose hunk is capped.
 */

export interface DiffOptions {
  context?: number;
  /** Lines of `-`/`+` shown at most; the rest is summarised. */
  maxLines?: number;
}

export function lineDiff(
  before: string,
  after: string,
  labels: [string, string],
  options: DiffOptions = {},
): string {
  if (before === after) return '';
  const context = options.context ?? 3;
  const maxLines = options.maxLines ?? 40;
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const removed = a.slice(start, endA);
  const added = b.slice(start, endB);
  const out: string[] = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  out.push(`@@ -${start + 1},${removed.length} +${start + 1},${added.length} @@`);
  for (const line of a.slice(Math.max(0, start - context), start)) out.push(` ${line}`);
  const body = [...removed.map((l) => `-${l}`), ...added.map((l) => `+${l}`)];
  out.push(...body.slice(0, maxLines));
  if (body.length > maxLines) out.push(`... ${body.length - maxLines} more changed lines`);
  for (const line of a.slice(endA, endA + context)) out.push(` ${line}`);
  return out.join('\n');
}
