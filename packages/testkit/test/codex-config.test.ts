import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { codexBinVersion, createCodexHome, resolveCodexBin } from '../src/index.js';

const bin = resolveCodexBin();
const codexVersion = codexBinVersion(bin);
/** `--print-startup-config` exists from codex 0.16x on; older releases only have `--strict-config`. */
const hasPrintStartupConfig = /--print-startup-config/.test(
  spawnSync(bin, ['app-server', '--help'], { encoding: 'utf8', timeout: 20_000 }).stdout ?? '',
);

/** Starts `app-server --strict-config` on the home and ends it (stdin closed at once). */
function strictStart(codexHome: string) {
  const args = hasPrintStartupConfig
    ? ['app-server', '--print-startup-config', '--strict-config']
    : ['app-server', '--strict-config'];
  return spawnSync(bin, args, {
    env: { ...process.env, CODEX_HOME: codexHome, NO_COLOR: '1' },
    input: '',
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('the generated config.toml against the real codex', () => {
  it(`is accepted by codex ${codexVersion} app-server --strict-config with no config error`, async () => {
    await using home = await createCodexHome({ modelUrl: 'http://127.0.0.1:9/v1' });
    const run = strictStart(home.path);
    expect(run.status).toBe(0);
    if (hasPrintStartupConfig)
      expect(JSON.parse(run.stdout)).toMatchObject({ appServerVersion: codexVersion });
    // codex logs ERROR lines unrelated to config on some machines (no bubblewrap on PATH); a
    // config problem names the config.
    expect(run.stderr.split('\n').filter((l) => /ERROR|Error/.test(l) && /config/i.test(l))).toEqual([]);
  });

  it('would report an unknown key (so the check above means something)', async () => {
    await using home = await createCodexHome({
      modelUrl: 'http://127.0.0.1:9/v1',
      extraConfig: { features: { codexus_no_such_feature: true } },
    });
    const run = strictStart(home.path);
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(
      /unknown configuration field `features.codexus_no_such_feature`/,
    );
  });
});
