import { describe, expect, it } from 'vitest';
import { mcpServersConfig } from './mcp-servers.js';

describe('mcpServersConfig', () => {
  it('maps stdio and HTTP servers to codex mcp_servers tables (snake_case, seconds)', () => {
    expect(
      mcpServersConfig({
        local: {
          command: 'node',
          args: ['server.js'],
          env: { A: '1' },
          cwd: '/srv',
          enabledTools: ['a'],
          startupTimeoutMs: 1_500,
          toolTimeoutMs: 30_000,
          approvalMode: 'approve',
        },
        remote: {
          url: 'https://mcp.example.test/mcp',
          bearerTokenEnvVar: 'MCP_TOKEN',
          headers: { 'X-A': 'b' },
          disabledTools: ['x'],
          enabled: false,
          required: true,
        },
      }),
    ).toEqual({
      local: {
        command: 'node',
        args: ['server.js'],
        env: { A: '1' },
        cwd: '/srv',
        enabled_tools: ['a'],
        startup_timeout_sec: 1.5,
        tool_timeout_sec: 30,
        default_tools_approval_mode: 'approve',
      },
      remote: {
        url: 'https://mcp.example.test/mcp',
        bearer_token_env_var: 'MCP_TOKEN',
        http_headers: { 'X-A': 'b' },
        disabled_tools: ['x'],
        enabled: false,
        required: true,
      },
    });
  });

  it('refuses malformed entries with VALIDATION_FAILED naming the path', () => {
    const refused = (servers: unknown) => {
      try {
        mcpServersConfig(servers as never);
      } catch (error) {
        return [(error as { code: string }).code, (error as { data: { path: string } }).data.path];
      }
      return undefined;
    };
    expect(refused([])).toEqual(['VALIDATION_FAILED', 'mcpServers']);
    expect(refused({ a: { command: '' } })).toEqual(['VALIDATION_FAILED', 'mcpServers.a.command']);
    expect(refused({ a: { command: 'x', args: [1] } })).toEqual(['VALIDATION_FAILED', 'mcpServers.a.args']);
    expect(refused({ a: { command: 'x', env: { A: 1 } } })).toEqual([
      'VALIDATION_FAILED',
      'mcpServers.a.env',
    ]);
    expect(refused({ a: { url: 'http://x', cwd: '/' } })).toEqual(['VALIDATION_FAILED', 'mcpServers.a.cwd']);
    expect(refused({ a: { url: 'x' } })).toEqual(['VALIDATION_FAILED', 'mcpServers.a.url']);
    expect(refused({ a: { command: 'x', approvalMode: 'yes' } })).toEqual([
      'VALIDATION_FAILED',
      'mcpServers.a.approvalMode',
    ]);
    expect(refused({ a: {} })).toEqual(['VALIDATION_FAILED', 'mcpServers.a']);
  });
});
