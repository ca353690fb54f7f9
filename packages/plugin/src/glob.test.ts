import { describe, expect, it } from 'vitest';
import { compileGlob, globMatch } from './glob.js';

describe('globMatch (paths)', () => {
  it.each([
    ['*.ts', 'a.ts', true],
    ['*.ts', 'src/a.ts', false],
    ['src/*.ts', 'src/a.ts', true],
    ['src/*.ts', 'src/x/a.ts', false],
    ['src/**/*.ts', 'src/a.ts', true],
    ['src/**/*.ts', 'src/x/y/a.ts', true],
    ['**/*.ts', 'a.ts', true],
    ['**/*.ts', '/abs/dir/a.ts', true],
    ['**/*.ts', 'a.js', false],
    ['src/**', 'src/x/y', true],
    ['src/**', 'other/x', false],
    ['a?c', 'abc', true],
    ['a?c', 'a/c', false],
    ['a?c', 'abbc', false],
    ['', '', true],
    ['', 'a', false],
    ['*', '', true],
    ['a**b', 'a/x/b', true],
    ['**', 'any/thing/at/all', true],
    ['/tmp/**/secret*', '/tmp/a/b/secret.txt', true],
    ['/tmp/**/secret*', '/tmp/secret', true],
    ['/tmp/**/secret*', '/tmp/a/b/public.txt', false],
    ['x/**/y', 'x/y', true],
    ['x/**/y', 'xy', false],
  ])('%j ~ %j → %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it('treats regex characters literally and supports \\ escapes', () => {
    expect(globMatch('a.(b)+[c]', 'a.(b)+[c]')).toBe(true);
    expect(globMatch('a.b', 'axb')).toBe(false);
    expect(globMatch('\\*.ts', '*.ts')).toBe(true);
    expect(globMatch('\\*.ts', 'a.ts')).toBe(false);
    expect(globMatch('what\\?', 'what?')).toBe(true);
    expect(globMatch('what\\?', 'whats')).toBe(false);
  });
});

describe('globMatch (text mode, for command lines)', () => {
  const command = (pattern: string, text: string) => globMatch(pattern, text, { paths: false });

  it('lets * and ? cross /', () => {
    expect(command('rm -rf *', 'rm -rf /tmp/x')).toBe(true);
    expect(command('*rm *', 'sudo rm /etc/passwd')).toBe(true);
    expect(command('git push*', 'git status')).toBe(false);
    expect(command('cat ?etc/passwd', 'cat /etc/passwd')).toBe(true);
  });

  it('matches the whole text only', () => {
    expect(command('echo', 'echo hi')).toBe(false);
    expect(command('echo*', 'echo hi')).toBe(true);
    expect(command('*hi', 'echo hi there')).toBe(false);
  });
});

describe('compileGlob', () => {
  it('compiles once and stays fast on patterns that make backtracking engines explode', () => {
    const test = compileGlob('*a*a*a*a*a*a*a*a*a*a*b', { paths: false });
    const text = 'a'.repeat(5_000);
    const started = performance.now();
    expect(test(text)).toBe(false);
    expect(test(`${text}b`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
