import { CodexusError } from '@codexus/core';

/** What every MCP server entry can set. */
export interface McpServerBase {
  /** Default true; `false` keeps the entry but starts nothing. */
  enabled?: boolean;
  /** Only these tools of the server are offered to the model. */
  enabledTools?: readonly string[];
  /** These tools are never offered. */
  disabledTools?: readonly string[];
  /** How long codex waits for the server to start (ms). */
  startupTimeoutMs?: number;
  /** How long one tool call may take (ms). */
  toolTimeoutMs?: number;
  /** A server that fails to start fails the thread instead of being skipped. */
  required?: boolean;
  /**
   * How codex asks before a tool of this server runs (`default_tools_approval_mode`): `auto` (codex's
   * default: by the tool's annotations; with approval `never` a tool that may write is refused),
   * `prompt` (always ask), `writes` (ask for tools that may write), `approve` (run without asking).
   */
  approvalMode?: McpApprovalMode;
}

export type McpApprovalMode = 'auto' | 'prompt' | 'writes' | 'approve';
const APPROVAL_MODES: readonly string[] = ['auto', 'prompt', 'writes', 'approve'];

/** An MCP server codex spawns and talks to over stdio. */
export interface McpStdioServer extends McpServerBase {
  command: string;
  args?: readonly string[];
  env?: Readonly<Record<string, string>>;
  cwd?: string;
}

/** An MCP server codex reaches over streamable HTTP. */
export interface McpHttpServer extends McpServerBase {
  url: string;
  /** The environment variable holding a bearer token (the token itself never goes in the config). */
  bearerTokenEnvVar?: string;
  headers?: Readonly<Record<string, string>>;
}

export type McpServerConfig = McpStdioServer | McpHttpServer;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const BASE_KEYS = [
  'enabled',
  'enabledTools',
  'disabledTools',
  'startupTimeoutMs',
  'toolTimeoutMs',
  'required',
  'approvalMode',
];
const STDIO_KEYS = new Set([...BASE_KEYS, 'command', 'args', 'env', 'cwd']);
const HTTP_KEYS = new Set([...BASE_KEYS, 'url', 'bearerTokenEnvVar', 'headers']);

/**
 * Checks `mcpServers` before any RPC (`VALIDATION_FAILED` naming the server and field) and maps it to
 * codex's `mcp_servers` config table (snake_case keys, timeouts in seconds).
 */
export function mcpServersConfig(
  servers: Readonly<Record<string, McpServerConfig>>,
): Record<string, unknown> {
  if (!isRecord(servers)) refuse('mcpServers', 'must be an object of name → server');
  const out: Record<string, unknown> = {};
  for (const [name, server] of Object.entries(servers)) {
    const path = `mcpServers.${name}`;
    if (!NAME.test(name)) refuse(path, 'a server name must be 1 to 64 letters, digits, "_" or "-"');
    if (!isRecord(server)) refuse(path, 'must be an object');
    const stdio = 'command' in server;
    const http = 'url' in server;
    if (stdio === http) refuse(path, 'needs exactly one of command (stdio) or url (streamable HTTP)');
    const allowed = stdio ? STDIO_KEYS : HTTP_KEYS;
    for (const key of Object.keys(server))
      if (!allowed.has(key))
        refuse(`${path}.${key}`, `unknown field for a ${stdio ? 'stdio' : 'HTTP'} server`);
    out[name] = stdio ? stdioTable(path, server as McpStdioServer) : httpTable(path, server as McpHttpServer);
  }
  return out;
}

function stdioTable(path: string, s: McpStdioServer): Record<string, unknown> {
  const table: Record<string, unknown> = { command: nonEmpty(`${path}.command`, s.command) };
  if (s.args !== undefined) table.args = strings(`${path}.args`, s.args);
  if (s.env !== undefined) table.env = stringMap(`${path}.env`, s.env);
  if (s.cwd !== undefined) table.cwd = nonEmpty(`${path}.cwd`, s.cwd);
  return { ...table, ...baseTable(path, s) };
}

function httpTable(path: string, s: McpHttpServer): Record<string, unknown> {
  const url = nonEmpty(`${path}.url`, s.url);
  if (!/^https?:\/\//.test(url)) refuse(`${path}.url`, 'must be an http:// or https:// URL');
  const table: Record<string, unknown> = { url };
  if (s.bearerTokenEnvVar !== undefined)
    table.bearer_token_env_var = nonEmpty(`${path}.bearerTokenEnvVar`, s.bearerTokenEnvVar);
  if (s.headers !== undefined) table.http_headers = stringMap(`${path}.headers`, s.headers);
  return { ...table, ...baseTable(path, s) };
}

function baseTable(path: string, s: McpServerBase): Record<string, unknown> {
  const table: Record<string, unknown> = {};
  if (s.enabled !== undefined) table.enabled = bool(`${path}.enabled`, s.enabled);
  if (s.required !== undefined) table.required = bool(`${path}.required`, s.required);
  if (s.enabledTools !== undefined) table.enabled_tools = strings(`${path}.enabledTools`, s.enabledTools);
  if (s.disabledTools !== undefined) table.disabled_tools = strings(`${path}.disabledTools`, s.disabledTools);
  if (s.startupTimeoutMs !== undefined)
    table.startup_timeout_sec = seconds(`${path}.startupTimeoutMs`, s.startupTimeoutMs);
  if (s.toolTimeoutMs !== undefined)
    table.tool_timeout_sec = seconds(`${path}.toolTimeoutMs`, s.toolTimeoutMs);
  if (s.approvalMode !== undefined) {
    if (!APPROVAL_MODES.includes(s.approvalMode))
      refuse(`${path}.approvalMode`, `must be one of ${APPROVAL_MODES.join(', ')}`);
    table.default_tools_approval_mode = s.approvalMode;
  }
  return table;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) refuse(path, 'must be a non-empty string');
  return value;
}

function bool(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') refuse(path, 'must be true or false');
  return value;
}

function strings(path: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    refuse(path, 'must be an array of strings');
  return [...value];
}

function stringMap(path: string, value: unknown): Record<string, string> {
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string'))
    refuse(path, 'must be an object of string values');
  return { ...(value as Record<string, string>) };
}

function seconds(path: string, ms: unknown): number {
  if (!(typeof ms === 'number' && Number.isFinite(ms) && ms > 0))
    refuse(path, 'must be a positive number of ms');
  return ms / 1_000;
}

function refuse(path: string, message: string): never {
  throw new CodexusError('VALIDATION_FAILED', `${path}: ${message}`, { data: { path } });
}
