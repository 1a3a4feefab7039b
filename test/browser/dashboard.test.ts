/**
 * The dashboard in a real browser (playwright-core driving Debian's Chromium, headless): it
 * asks for the admin key, shows each carrier's state, and follows a carrier from healthy to
 * failing when a fault is injected and back when it is cleared. Screenshots go to
 * test-artifacts/. Under CI a missing Chromium fails; elsewhere the file is skipped with a reason.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HealthHarness, RATE_BODY, startHealthHarness } from '../health/support/harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.CI)
    throw new Error(
      `Chromium is required under CI but ${CHROMIUM} does not exist (apt-get install -y chromium)`,
    );
  console.warn(
    `[skip] browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
  );
}

const WAIT = { timeout: 20_000 };

describe.runIf(available)('dashboard in Chromium', () => {
  let h: HealthHarness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await startHealthHarness({
      carriers: ['ups', 'fedex'],
      health: {
        settings: { probeIntervalMs: 300, evaluateIntervalMs: 200, windowMs: 2_000 },
        dashboardPollMs: 300,
      },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('asks for an admin key and refuses a caller key', async () => {
    await page.goto(`${h.url}/dashboard`);
    await page.locator('#admin-key').fill(h.apiKey);
    await page.locator('#login-form button[type=submit]').click();
    await expect.poll(() => page.locator('#login-error').textContent(), WAIT).toContain('not an admin key');
    expect(await page.locator('#board').isHidden()).toBe(true);
  });

  it('shows a carrier going from healthy to failing and back', async () => {
    expect((await h.request('POST', '/v1/rates', RATE_BODY(['fedex']))).status).toBe(200);
    await page.locator('#admin-key').fill(h.adminKey);
    await page.locator('#login-form button[type=submit]').click();
    const fedex = page.locator('section[data-carrier="fedex"]');
    await fedex.and(page.locator('[data-state="healthy"]')).waitFor(WAIT);
    expect(await fedex.locator('header [data-role="state"]').textContent()).toBe('healthy');
    expect(await fedex.locator('.timeline[data-token="primary"]').count()).toBeGreaterThan(0);

    await h.control.injectFault({ carrier: 'fedex', target: 'token', kind: 'error_body_200' });
    await fedex.and(page.locator('[data-state="failing"]')).waitFor(WAIT);
    expect(await fedex.locator('header [data-role="state"]').textContent()).toBe('failing');
    await expect
      .poll(() => fedex.locator('[data-role="triage"]').first().textContent(), WAIT)
      .toContain('misconfigured');
    expect(await page.locator('section[data-carrier="ups"]').getAttribute('data-state')).not.toBe('failing');
    await page.screenshot({ path: new URL('dashboard-failing.png', ARTIFACTS).pathname, fullPage: true });

    await h.control.clearFaults('fedex');
    await fedex.and(page.locator('[data-state="healthy"]')).waitFor(WAIT);
    await page.screenshot({ path: new URL('dashboard-recovered.png', ARTIFACTS).pathname, fullPage: true });
    expect(existsSync(new URL('dashboard-failing.png', ARTIFACTS))).toBe(true);
  });

  it('fits a phone screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await phone.goto(`${h.url}/dashboard`);
    await phone.locator('#admin-key').fill(h.adminKey);
    await phone.locator('#login-form button[type=submit]').click();
    await phone.locator('section[data-carrier="fedex"]').waitFor(WAIT);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: new URL('dashboard-phone.png', ARTIFACTS).pathname, fullPage: true });
    await phone.close();
  });
});
