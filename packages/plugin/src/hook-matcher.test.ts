import { describe, expect, it } from 'vitest';
import type { HookContext } from './hook-context.js';
import { createHookMatcher, matchesHook } from './hook-matcher.js';

const base: HookContext = { phase: 'PreToolUse', cwd: '/srv/repo', metadata: {} };
const command = (cmd: string, cwd = '/srv/repo'): HookContext => ({
  ...base,
  tool: { kind: 'commandExecution', command: cmd, cwd },
});
const files = (...paths: string[]): HookContext => ({
  ...base,
  tool: { kind: 'fileChange', fileChanges: paths.map((path) => ({ path, kind: 'update' as const })) },
});

describe('HookMatcher', () => {
  it('an empty matcher matches everything', () => {
    expect(matchesHook({}, base)).toBe(true);
    expect(matchesHook({}, { ...base, phase: 'PostTurn' })).toBe(true);
  });

  it('filters by phase', () => {
    const m = createHookMatcher({ phases: ['PreToolUse', 'PostToolUse'] });
    expect(m(base)).toBe(true);
    expect(m({ ...base, phase: 'PreTurn' })).toBe(false);
  });

  it('filters by tool kind; a context without a tool never matches a tool criterion', () => {
    const m = createHookMatcher({ tools: ['commandExecution'] });
    expect(m(command('ls'))).toBe(true);
    expect(m(files('a.ts'))).toBe(false);
    expect(m(base)).toBe(false);
  });

  it('filters by command glob (any of a list)', () => {
    const m = createHookMatcher({ command: ['rm *', '*git push*'] });
    expect(m(command('rm -rf /tmp/x'))).toBe(true);
    expect(m(command('cd x && git push origin main'))).toBe(true);
    expect(m(command('ls -la'))).toBe(false);
    expect(m(files('rm'))).toBe(false);
  });

  it('filters by file glob: relative globs against paths below the cwd, absolute ones as they are', () => {
    const m = createHookMatcher({ files: 'src/**/*.ts' });
    expect(m(files('/srv/repo/src/a/b.ts'))).toBe(true);
    expect(m(files('src/a.ts'))).toBe(true);
    expect(m(files('/srv/repo/docs/a.md', '/srv/repo/src/x.ts'))).toBe(true);
    expect(m(files('/srv/repo/docs/a.md'))).toBe(false);
    expect(m(files('/elsewhere/src/a.ts'))).toBe(false);
    expect(matchesHook({ files: '/etc/**' }, files('/etc/passwd'))).toBe(true);
    expect(matchesHook({ files: '/etc/**' }, files('/srv/repo/etc/x'))).toBe(false);
  });

  it('a moved file matches by its new path too', () => {
    const ctx: HookContext = {
      ...base,
      tool: {
        kind: 'fileChange',
        fileChanges: [{ path: 'a.txt', kind: 'update', movePath: 'secret/a.txt' }],
      },
    };
    expect(matchesHook({ files: 'secret/*' }, ctx)).toBe(true);
  });

  it('filters by cwd prefix on a path boundary, preferring the tool cwd', () => {
    expect(matchesHook({ cwd: '/srv' }, base)).toBe(true);
    expect(matchesHook({ cwd: '/srv/repo/' }, base)).toBe(true);
    expect(matchesHook({ cwd: '/srv/re' }, base)).toBe(false);
    expect(matchesHook({ cwd: '/srv/repo/sub' }, command('ls', '/srv/repo/sub/dir'))).toBe(true);
    expect(matchesHook({ cwd: '/srv/repo/sub' }, command('ls', '/srv/repo'))).toBe(false);
    expect(matchesHook({ cwd: '/' }, base)).toBe(true);
  });

  it('needs every criterion given (AND)', () => {
    const m = createHookMatcher({ phases: ['PreToolUse'], tools: ['commandExecution'], command: 'rm *' });
    expect(m(command('rm x'))).toBe(true);
    expect(m({ ...command('rm x'), phase: 'PostToolUse' })).toBe(false);
    expect(m(command('ls'))).toBe(false);
  });
});
