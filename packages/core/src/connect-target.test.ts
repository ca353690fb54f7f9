import { describe, expect, it } from 'vitest';
import { assertOneTarget, codexCommand, connect } from './connect.js';
import { CodexusError } from './errors.js';

const remote = { url: 'ws://127.0.0.1:1', token: 't' };

describe('one connect target: spawn, remote or transport', () => {
  it('refuses remote with process options, naming them, and remote with transport', () => {
    const error = (() => {
      try {
        assertOneTarget({ remote, codexHome: '/h', env: { A: '1' } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(CodexusError.is(error, 'VALIDATION_FAILED')).toBe(true);
    expect((error as CodexusError).message).toContain('codexHome, env');
    expect(() => assertOneTarget({ remote, transport: () => undefined })).toThrow(
      /either remote or transport/,
    );
    // maxLineBytes bounds remote messages too; alone, each target is fine.
    expect(() => assertOneTarget({ remote, maxLineBytes: 1024 })).not.toThrow();
    expect(() => assertOneTarget({ codexHome: '/h', env: {} })).not.toThrow();
  });

  it('connect refuses the mixture before opening anything', async () => {
    await expect(connect({ remote, codexBin: '/usr/bin/codex' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('home: its path is CODEX_HOME and its env is merged under env; a second, different path is refused', () => {
    const home = {
      path: '/tmp/home-a',
      env: { CODEX_HOME: '/tmp/home-a', SSL_CERT_FILE: '/ca.pem', DROP: undefined },
    };
    const command = codexCommand({ codexBin: process.execPath, home, env: { SSL_CERT_FILE: '/mine.pem' } });
    expect(command.env.CODEX_HOME).toBe('/tmp/home-a');
    expect(command.env.SSL_CERT_FILE).toBe('/mine.pem'); // env wins over the home's
    expect(codexCommand({ codexBin: process.execPath, home }).env.SSL_CERT_FILE).toBe('/ca.pem');
    expect(() => codexCommand({ codexBin: process.execPath, home, codexHome: '/tmp/other' })).toThrow(
      /different homes/,
    );
    expect(codexCommand({ codexBin: process.execPath, home, codexHome: home.path }).env.CODEX_HOME).toBe(
      home.path,
    );
  });
});
