import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { message } from './items.js';
import { startScriptedHarness } from './scripted-harness.js';

describe('startScriptedHarness', () => {
  it('starts a model, a home pointing at it, a workspace and the connected client; closes all, client first', async () => {
    const order: string[] = [];
    const h = await startScriptedHarness({
      steps: [message('x')],
      home: { approvalPolicy: 'on-request' },
      connect: async (home) => ({ home: home.path, close: async () => void order.push('client') }),
    });
    expect(h.client.home).toBe(h.home.path);
    expect(h.home.config.approval_policy).toBe('on-request');
    expect(JSON.stringify(h.home.config)).toContain(h.model.url);
    expect(h.model.pending).toBe(1);
    await h.close();
    await h.close();
    expect(order).toEqual(['client']);
    expect(existsSync(h.home.path)).toBe(false);
    expect(existsSync(h.workspace.path)).toBe(false);
  });

  it('cleans up what it started when connect fails', async () => {
    let homePath = '';
    const failing = startScriptedHarness({
      connect: async (home) => {
        homePath = home.path;
        throw new Error('connect failed');
      },
    });
    await expect(failing).rejects.toThrow('connect failed');
    expect(existsSync(homePath)).toBe(false);
  });
});
