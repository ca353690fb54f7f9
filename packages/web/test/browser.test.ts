import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { streamedMessage } from '@codexus/testkit';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalated, startWebHarness, type WebHarness } from './web-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

if (!HAVE_CHROMIUM) {
  console.warn(`[@codexus/web] browser test SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium)`);
}

describe.skipIf(!HAVE_CHROMIUM)(`the approval page in a real browser (needs ${CHROMIUM})`, () => {
  let w: WebHarness;
  let browser: Browser;
  beforeAll(async () => {
    w = await startWebHarness();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      timeout: 20_000,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  it('shows a pending approval with its command; "accept" runs it and the turn finishes', async () => {
    const file = join(w.h.workspace.path, 'browser-accepted.txt');
    w.h.model.enqueue(escalated(file), streamedMessage(['file ', 'created']));
    const auth = { authorization: `Bearer ${w.tokens.alpha}`, 'content-type': 'application/json' };
    const created = await fetch(`${w.url}/v1/sessions`, { method: 'POST', headers: auth, body: '{}' });
    const { sessionId } = (await created.json()) as { sessionId: string };
    const turn = await fetch(`${w.url}/v1/sessions/${sessionId}/turns`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ prompt: 'create the marker file' }),
    });
    expect(turn.status).toBe(202);

    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    await page.goto(`${w.url}/#token=${w.tokens.alpha}`, { timeout: 10_000 });
    expect(page.url()).not.toContain('token'); // the page drops the fragment at once

    const card = page.locator('.approval');
    await card.waitFor({ timeout: 10_000 });
    expect(await card.locator('.command').first().textContent()).toContain('touch');
    expect(await page.locator(`#sessions li[data-session-id="${sessionId}"]`).count()).toBe(1);
    expect(existsSync(file)).toBe(false);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'approval-pending.png'), fullPage: true });

    await card.locator('button.accept').click();
    await page.locator('#turn-status[data-status="completed"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('#transcript').textContent()).toContain('file created');
    await page.locator('.approval').waitFor({ state: 'detached', timeout: 5_000 });
    expect(existsSync(file)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'turn-completed.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
