/**
 * Lossless JSON-RPC ids. A server may number its requests with integers a JS number cannot hold
 * (codex's ids are i64: `9007199254740993` parses to `…992`). Answering with the parsed number would
 * answer a request that was never sent, so such an id is kept as the text the server wrote and
 * written back verbatim.
 */

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * The exact text of the top-level `"id"` member of `line` (a JSON object that `JSON.parse` accepted)
 * when its value is a number that does not survive the round trip through a JS number; `undefined`
 * otherwise (safe integers, strings, null: the parsed value is already exact).
 */
export function lossyIdText(line: string, parsedId: unknown): string | undefined {
  if (typeof parsedId !== 'number' || Number.isSafeInteger(parsedId)) return undefined;
  const raw = topLevelMemberText(line, 'id');
  return raw !== undefined && JSON_NUMBER.test(raw) ? raw : undefined;
}

/** `JSON.stringify(message)`, with the number text `rawId` as the `id` member. */
export function stringifyWithRawId(message: Record<string, unknown>, rawId: string): string {
  const { id: _replaced, ...rest } = message;
  const body = JSON.stringify(rest);
  return body === '{}' ? `{"id":${rawId}}` : `{"id":${rawId},${body.slice(1)}`;
}

/**
 * The raw text of the last top-level member `name` of the JSON object text `text` (valid JSON), when
 * its value is a primitive (number, true, false, null). One pass; nested values and strings are skipped.
 */
export function topLevelMemberText(text: string, name: string): string | undefined {
  let depth = 0;
  let expectKey = false;
  let key: string | undefined;
  let found: string | undefined;
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      if (depth === 1 && expectKey) {
        key = JSON.parse(text.slice(i, end)) as string;
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectKey = c === '{';
      i++;
    } else if (c === '}' || c === ']') {
      depth--;
      i++;
    } else if (depth === 1 && c === ',') {
      expectKey = true;
      i++;
    } else if (depth === 1 && c === ':') {
      const start = skipSpace(text, i + 1);
      const end = primitiveEnd(text, start);
      if (key === name && end > start) found = text.slice(start, end);
      i = Math.max(end, start);
    } else {
      i++;
    }
  }
  return found;
}

/** Index just past the string literal that starts at `start` (a `"`). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  return i;
}

function skipSpace(text: string, start: number): number {
  let i = start;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** Index just past a number or literal starting at `start`; `start` itself when the value is not one. */
function primitiveEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length && /[-+.\w]/.test(text[i]!)) i++;
  return i;
}
