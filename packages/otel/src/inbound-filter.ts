import { approvalKind } from './approval-kind.js';
import { TOOL_ITEM_TYPES } from './tool-item.js';

/** The notifications the observer reads; every other notification leaves no trace in telemetry. */
const READ_NOTIFICATIONS = new Set([
  'turn/started',
  'item/started',
  'item/completed',
  'thread/tokenUsage/updated',
  'turn/completed',
  'serverRequest/resolved',
]);
const TOOL_TYPES: ReadonlySet<string> = new Set(TOOL_ITEM_TYPES);

/**
 * codex writes `method` first, and an item notification's `params` starts with the item and its
 * `type`. Read from the line's first characters (no regular expression: this runs on every line); a
 * line written otherwise does not match and is parsed in full.
 */
const METHOD_HEAD = '{"method":"';
const ITEM_HEAD = ',"params":{"item":{"type":"';

/** The quoted string starting at `from` (no escapes in it), or `undefined`. */
function quoted(text: string, from: number): { value: string; end: number } | undefined {
  const end = text.indexOf('"', from);
  if (end < 0 || end - from > 100) return undefined;
  const value = text.slice(from, end);
  return value.includes('\\') ? undefined : { value, end };
}

/**
 * True when an inbound line can be skipped without parsing it: its head shows a method the
 * observer does nothing with (a status change, a rate-limit update, a delta, a server request that
 * is neither an approval nor a tool call), or an item notification for an item that is not a tool
 * call (an agent message is read only to capture content). Anything else, or a line whose head does
 * not match, is parsed. Spares a second `JSON.parse` of about half of a turn's lines.
 */
export function skippable(text: string, captureContent: boolean): boolean {
  if (!text.startsWith(METHOD_HEAD)) return false;
  const method = quoted(text, METHOD_HEAD.length);
  if (!method) return false;
  const name = method.value;
  if (!READ_NOTIFICATIONS.has(name)) return name !== 'item/tool/call' && approvalKind(name) === undefined;
  if (name !== 'item/started' && name !== 'item/completed') return false;
  if (!text.startsWith(ITEM_HEAD, method.end + 1)) return false;
  const type = quoted(text, method.end + 1 + ITEM_HEAD.length);
  if (!type || TOOL_TYPES.has(type.value)) return false;
  return !(captureContent && type.value === 'agentMessage');
}
