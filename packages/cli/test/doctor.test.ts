import { execFileSync } from 'node:child_process';
import { appendFile, chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SUPPORTED_VERSION_RANGE } from '@codexus/core';
import { resolveCodexBin } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import type { DoctorCheck } from '../src/index.js';
import { runPiped, tmuxBin, useCliHarness } from './harness.js';

/** Whether the codex under test has the strict startup-config check (older ones do not). */
const hasStartupConfigCheck = execFileSync(resolveCodexBin(), ['app-server', '--help'], {
  encoding: 'utf8',
}).includes('--print-startup-config');

/** The status column of a check in the doctor's table. */
function statusOf(screen: string, check: string): string | undefined {
  return new RegExp(`^${check}\\s+(OK|WARN|FAIL|SKIP)\\b`, 'm').exec(screen)?.[1];
}

describe.skipIf(!tmuxBin)('codexus doctor in a terminal (tmux)', () => {
  const h = useCliHarness();

  it('a missing binary is a blocking problem that says where it looked (exit 1)', async () => {
    const missing = join(h.workspace.path, 'no-such-codex');
    const pane = await h.tmux.codexus(['doctor', '--codex-bin', missing], h.home.env);
    const { code, screen } = await pane.exitCode();
    expect(statusOf(screen, 'binary')).toBe('FAIL');
    expect(screen).toContain('looked at');
    expect(screen).toContain(missing);
    expect(statusOf(screen, 'version')).toBe('SKIP');
    expect(screen).toContain('1 blocking problem');
    expect(code).toBe(1);
  });

  it('a codex older than the supported range is a blocking problem (a fake binary printing 0.100.0)', async () => {
    const fake = join(h.workspace.path, 'old-codex');
    await writeFile(fake, '#!/bin/sh\necho "codex-cli 0.100.0"\n');
    await chmod(fake, 0o755);
    const pane = await h.tmux.codexus(['doctor', '--codex-bin', fake], h.home.env);
    const { code, screen } = await pane.exitCode();
    expect(statusOf(screen, 'binary')).toBe('OK');
    expect(statusOf(screen, 'version')).toBe('FAIL');
    expect(screen).toContain(`0.100.0 is older than the supported ${SUPPORTED_VERSION_RANGE.min}`);
    expect(code).toBe(1);
  });

  it('--offline: every check passes against the real codex and the testkit model (exit 0)', async () => {
    const pane = await h.tmux.codexus(['doctor', '--offline', '--cwd', h.workspace.path], h.home.env);
    const { code, screen } = await pane.exitCode(60_000);
    for (const check of ['binary', 'version', 'app-server', 'login', 'turn'])
      expect(statusOf(screen, check), `${check}\n${screen}`).toBe('OK');
    // A codex without the strict check gets a warning, not a blocking problem.
    expect(statusOf(screen, 'config')).toBe(hasStartupConfigCheck ? 'OK' : 'WARN');
    expect(screen).toContain('no blocking problem');
    expect(code).toBe(0);
  });
});

describe('codexus doctor without a terminal', () => {
  const h = useCliHarness();

  it.runIf(hasStartupConfigCheck)(
    'a config codex rejects in strict mode is a blocking problem (--json rows)',
    async () => {
      await appendFile(h.home.configPath, '\nnot_a_codex_setting = 1\n');
      const { code, stdout } = await runPiped(['doctor', '--json', ...h.args.slice(0, 2)], h.home.env);
      const rows = JSON.parse(stdout) as DoctorCheck[];
      const config = rows.find((r) => r.check === 'config');
      expect(config?.status).toBe('fail');
      expect(config?.detail).toContain('not_a_codex_setting');
      expect(code).toBe(1);
    },
  );

  it.skipIf(hasStartupConfigCheck)(
    'a codex without the strict check: config is a warning that says why',
    async () => {
      const { code, stdout } = await runPiped(['doctor', '--json', ...h.args.slice(0, 2)], h.home.env);
      const config = (JSON.parse(stdout) as DoctorCheck[]).find((r) => r.check === 'config');
      expect(config).toMatchObject({ status: 'warn' });
      expect(config?.detail).toContain('--print-startup-config');
      expect(code).toBe(0);
    },
  );
});
