import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { codexHomeConfig, createCodexHome, createWorkspace, renderCodexConfig } from './codex-home.js';

describe('codex home config', () => {
  it('renders the hermetic config.toml', () => {
    expect(renderCodexConfig({ modelUrl: 'http://127.0.0.1:1234/v1' })).toBe(
      [
        'model_provider = "codexus-scripted"',
        'model = "codexus-scripted-model"',
        'approval_policy = "never"',
        'sandbox_mode = "read-only"',
        'check_for_update_on_startup = false',
        '',
        '[model_providers.codexus-scripted]',
        'name = "codexus scripted model"',
        'base_url = "http://127.0.0.1:1234/v1"',
        'wire_api = "responses"',
        'request_max_retries = 0',
        'stream_max_retries = 0',
        '',
        '[features]',
        'plugins = false',
        'apps = false',
        'remote_plugin = false',
        'goals = false',
        'shell_snapshot = false',
        '',
        '[agents]',
        'enabled = false',
        '',
        '[analytics]',
        'enabled = false',
        '',
      ].join('\n'),
    );
  });

  it('takes approval policy, sandbox, model and extra config (merged, undefined removes)', () => {
    const table = codexHomeConfig({
      modelUrl: 'u',
      model: 'm',
      approvalPolicy: 'on-request',
      sandboxMode: 'workspace-write',
      extraConfig: {
        features: { goals: true },
        analytics: undefined,
        mcp_servers: { s: { command: 'node' } },
      },
    });
    expect(table).toMatchObject({
      model: 'm',
      approval_policy: 'on-request',
      sandbox_mode: 'workspace-write',
      features: { plugins: false, apps: false, remote_plugin: false, goals: true, shell_snapshot: false },
      mcp_servers: { s: { command: 'node' } },
    });
    expect(table.analytics).toBeUndefined();
  });
});

describe('createCodexHome / createWorkspace', () => {
  it('writes config.toml in a temp dir and removes it on dispose', async () => {
    const home = await createCodexHome({ modelUrl: 'http://127.0.0.1:9/v1', sandboxMode: 'workspace-write' });
    expect(home.path.startsWith(tmpdir()) || home.path.includes('codexus-home-')).toBe(true);
    expect(readFileSync(home.configPath, 'utf8')).toContain('sandbox_mode = "workspace-write"');
    await home[Symbol.asyncDispose]();
    expect(existsSync(home.path)).toBe(false);
    await home.dispose();
  });

  it('creates workspace files (with folders) and removes them on dispose', async () => {
    const ws = await createWorkspace({ files: { 'a.txt': 'A', 'src/b.txt': 'B' } });
    expect(readFileSync(ws.file('src/b.txt'), 'utf8')).toBe('B');
    await ws.dispose();
    expect(existsSync(ws.path)).toBe(false);
  });
});
