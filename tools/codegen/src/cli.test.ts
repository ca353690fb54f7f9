import { describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../test/fixtures.js';
import { main } from './cli.js';

describe('cli main', () => {
  it('prints usage and exits 2 without a command, 0 with --help', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(main([])).toBe(2);
      expect(main(['--help'])).toBe(0);
      expect(String(write.mock.calls[0]?.[0])).toContain('codexus-codegen <command>');
    } finally {
      write.mockRestore();
    }
  });

  it('rejects unknown commands and snapshot/diff without --codex', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(main(['bogus', '--root', REPO_ROOT])).toBe(2);
      expect(main(['diff', '--root', REPO_ROOT])).toBe(2);
      expect(String(write.mock.calls[1]?.[0])).toContain('diff needs --codex <bin>');
    } finally {
      write.mockRestore();
    }
  });

  it('runs check against the repository', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(main(['check', '--root', REPO_ROOT])).toBe(0);
    } finally {
      write.mockRestore();
    }
  });
});
