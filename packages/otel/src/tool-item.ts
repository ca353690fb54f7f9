import type { Attributes } from '@opentelemetry/api';
import { num, type Rec, str } from './internal/wire-view.js';
import { ATTR } from './semconv.js';

/** The thread item types that are tool calls, and how they are named on `execute_tool` spans. */
export const TOOL_ITEM_TYPES = ['commandExecution', 'fileChange', 'mcpToolCall', 'dynamicToolCall'] as const;

export interface ToolIdentity {
  /** `gen_ai.tool.name`. */
  name: string;
  /** `gen_ai.tool.type`: `extension` runs inside codex (agent side), `function` in the client. */
  type: 'extension' | 'function';
  attributes: Attributes;
}

/** The tool a thread item stands for, or `undefined` when the item is not a tool call. */
export function toolIdentity(item: Rec): ToolIdentity | undefined {
  switch (item.type) {
    case 'commandExecution':
      return { name: 'shell', type: 'extension', attributes: {} };
    case 'fileChange':
      return { name: 'apply_patch', type: 'extension', attributes: {} };
    case 'mcpToolCall': {
      const server = str(item.server);
      return {
        name: str(item.tool) ?? 'mcp',
        type: 'extension',
        attributes: server === undefined ? {} : { [ATTR.mcpServer]: server },
      };
    }
    case 'dynamicToolCall':
      return { name: str(item.tool) ?? 'tool', type: 'function', attributes: {} };
    default:
      return undefined;
  }
}

export interface ToolOutcome {
  status: string;
  failed: boolean;
  attributes: Attributes;
}

/** What a completed tool item says about how it went (status, exit code, codex's own duration). */
export function toolOutcome(item: Rec): ToolOutcome {
  const status = str(item.status) ?? 'completed';
  const exitCode = num(item.exitCode);
  const durationMs = num(item.durationMs);
  const attributes: Attributes = { [ATTR.toolStatus]: status };
  if (exitCode !== undefined) attributes[ATTR.processExitCode] = exitCode;
  if (durationMs !== undefined) attributes[ATTR.toolDurationMs] = durationMs;
  const failed = status === 'failed' || item.success === false || (exitCode !== undefined && exitCode !== 0);
  return { status, failed, attributes };
}

/** The tool's arguments as recorded with `captureContent` (a command line, patch paths, JSON arguments). */
export function toolArguments(item: Rec): string | undefined {
  if (item.type === 'commandExecution') return str(item.command);
  if (item.type === 'fileChange') return JSON.stringify(item.changes ?? []);
  return item.arguments === undefined ? undefined : JSON.stringify(item.arguments);
}

/** The tool's result as recorded with `captureContent`. */
export function toolResult(item: Rec): string | undefined {
  if (item.type === 'commandExecution') return str(item.aggregatedOutput);
  if (item.type === 'mcpToolCall') return item.result == null ? undefined : JSON.stringify(item.result);
  if (item.type === 'dynamicToolCall')
    return item.contentItems == null ? undefined : JSON.stringify(item.contentItems);
  return undefined;
}
