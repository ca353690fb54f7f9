import { describe, expect, it } from 'vitest';
import { toTurnInput } from './prompt-input.js';
import { resolveSessionConfig, threadParams } from './session-config.js';

describe('resolveSessionConfig', () => {
  it('applies the safe defaults', () => {
    expect(resolveSessionConfig({ cwd: '/w' })).toMatchObject({
      approval: 'never',
      sandbox: 'read-only',
      effort: 'medium',
      turnTimeoutMs: 120_000,
      privileged: false,
    });
    expect(threadParams(resolveSessionConfig({ cwd: '/w', model: 'm' }))).toEqual({
      cwd: '/w',
      approvalPolicy: 'never',
      sandbox: 'read-only',
      model: 'm',
      config: { thread_unload_delay_secs: 0 },
    });
  });

  it('sends the unload delay in whole seconds (rounded up); the thread config wins', () => {
    const params = (config: Partial<Parameters<typeof resolveSessionConfig>[0]>) =>
      threadParams(resolveSessionConfig({ cwd: '/w', ...config })).config;
    expect(params({ unloadDelayMs: 1_500 })).toEqual({ thread_unload_delay_secs: 2 });
    expect(params({ unloadDelayMs: 3_000, config: { thread_unload_delay_secs: 7, x: 1 } })).toEqual({
      thread_unload_delay_secs: 7,
      x: 1,
    });
    for (const bad of [-1, Number.NaN, 1e12])
      expect(() => resolveSessionConfig({ cwd: '/w', unloadDelayMs: bad })).toThrow(
        expect.objectContaining({
          code: 'VALIDATION_FAILED',
          data: expect.objectContaining({ path: 'unloadDelayMs' }),
        }),
      );
  });

  it('refuses privileged sandboxes without privileged: true, and bad values', () => {
    expect(() => resolveSessionConfig({ cwd: '/w', sandbox: 'danger-full-access' })).toThrow(
      /privileged: true/,
    );
    expect(resolveSessionConfig({ cwd: '/w', sandbox: 'danger-full-access', privileged: true }).sandbox).toBe(
      'danger-full-access',
    );
    expect(() => resolveSessionConfig({ cwd: 'rel' })).toThrow(/absolute/);
    // @ts-expect-error an unknown approval policy
    expect(() => resolveSessionConfig({ cwd: '/w', approval: 'on-failure' })).toThrow(
      /approval must be one of/,
    );
    expect(() => resolveSessionConfig({ cwd: '/w', turnTimeoutMs: -1 })).toThrow(/turnTimeoutMs/);
  });

  it('refuses a field it does not know (a typo must not fall back to a default)', () => {
    const refused = (config: object) => {
      try {
        resolveSessionConfig(config as Parameters<typeof resolveSessionConfig>[0]);
      } catch (error) {
        return error as { code: string; message: string; data: { path: string } };
      }
      throw new Error('not refused');
    };
    expect(refused({ cwd: '/w', sandBox: 'read-only' })).toMatchObject({
      code: 'VALIDATION_FAILED',
      data: { path: 'sandBox' },
    });
    expect(refused({ cwd: '/w', timeoutMs: 5 }).message).toMatch(/turnTimeoutMs/);
    expect(refused([] as unknown as object).code).toBe('VALIDATION_FAILED');
  });
});

describe('toTurnInput', () => {
  it('turns text and images into input items, and validates items', () => {
    expect(toTurnInput('hi', ['/a.png', 'https://x/y.png'])).toEqual([
      { type: 'text', text: 'hi' },
      { type: 'localImage', path: '/a.png' },
      { type: 'image', url: 'https://x/y.png' },
    ]);
    expect(() => toTurnInput([])).toThrow(/at least one/);
    // @ts-expect-error a malformed item
    expect(() => toTurnInput([{ type: 'text' }])).toThrow(/item 0/);
  });
});
