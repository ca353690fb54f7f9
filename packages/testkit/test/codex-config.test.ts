import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createCodexHome, resolveCodexBin } from '../src/index.js';

const codexVersion = (createRequire(import.meta.url)('@openai/codex/package.json') as { version: string })
  .version;

describe('the generated config.toml against the real codex', () => {
  it(`is accepted by codex ${codexVersion} app-server --strict-config with no ERROR line`, async () => {
    await using home = await createCodexHome({ modelUrl: 'http://127.0.0.1:9/v1' });
    const run = spawnSync(resolveCodexBin(), ['app-server', '--print-startup-config', '--strict-config'], {
      env: { ...process.env, CODEX_HOME: home.path, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ appServerVersion: codexVersion });
    expect(run.stderr).not.toMatch(/ERROR/);
  });

  it('would report an unknown key (so the check above means something)', async () => {
    await using home = await createCodexHome({
      modelUrl: 'http://127.0.0.1:9/v1',
      extraConfig: { features: { codexus_no_such_feature: true } },
    });
    const run = spawnSync(resolveCodexBin(), ['app-server', '--print-startup-config', '--strict-config'], {
      env: { ...process.env, CODEX_HOME: home.path, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(`${run.stdout}${run.stderr}`).toMatch(
      /unknown configuration field `features.codexus_no_such_feature`/,
    );
  });
});
