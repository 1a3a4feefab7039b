/**
 * The dashboard in a real browser (playwright-core driving Debian's Chromium, headless): it
 * asks for the admin key, shows each carrier's state, and follows a carrier from healthy to
 * failing when a fault is injected and back when it is cleared. Screenshots go to
 * test-artifacts/. Under CI a missing Chromium fails; elsewhere the file is skipped with a reason.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

  it("shows an account's last hour, and an incident with its runbook step after a fault", async () => {
    for (let i = 0; i < 3; i++)
      expect((await h.request('POST', '/v1/rates', RATE_BODY(['ups']))).status).toBe(200);
    // One 401 on a token believed valid, and one failover away from ups (a throttled rate).
    // On the rating endpoint only: the probes' own calls must not take the faults.
    await h.control.injectFault({
      carrier: 'ups',
      target: 'api',
      kind: 'unauthorized',
      endpoint: 'rate',
      count: 1,
    });
    expect((await h.request('POST', '/v1/rates', RATE_BODY(['ups']))).status).toBe(200);
    await h.control.injectFault({
      carrier: 'ups',
      target: 'api',
      kind: 'throttled',
      endpoint: 'rate',
      count: 1,
    });
    const failedOver = await h.request<{ routing: { failedOver: boolean }[] }>(
      'POST',
      '/v1/rates',
      RATE_BODY(['ups']),
    );
    expect(failedOver.body.routing.some((r) => r.failedOver)).toBe(true);

    const ups = page.locator('section[data-carrier="ups"] .account[data-account="ups-sandbox"]');
    const points = (spark: string) =>
      ups.locator(`[data-spark="${spark}"]`).getAttribute('data-points').then(Number);
    await expect.poll(() => points('token-success'), WAIT).toBeGreaterThan(0);
    await expect.poll(() => points('refresh-latency'), WAIT).toBeGreaterThan(0);
    await expect.poll(() => points('unauthorized'), WAIT).toBe(1);
    await expect.poll(() => points('failovers'), WAIT).toBe(1);
    expect(await ups.locator('[data-spark="token-success"] :is(polyline, circle)').count()).toBeGreaterThan(
      0,
    );
    expect(await ups.locator('[data-role="next-expiry"]').textContent()).toMatch(/next expiry: primary in/);

    // Scope drift: the carrier refuses the account's scope; its tokens are dropped, so the next
    // request asks for one and is refused. An incident opens.
    await h.control.injectFault({
      carrier: 'ups',
      target: 'token',
      kind: 'invalid_scope',
      account: 'ups-sandbox',
    });
    expect(
      (await h.admin('POST', '/admin/credentials/ups/ups-sandbox/revoke', { carrierRevoke: false })).status,
    ).toBe(200);
    const incident = ups.locator('[data-role="incident"][data-rule="config_drift"]');
    await expect
      .poll(async () => {
        await h.request('POST', '/v1/rates', RATE_BODY(['ups']));
        return incident.count();
      }, WAIT)
      .toBe(1);
    await expect
      .poll(() => incident.locator('[data-role="runbook"]').textContent(), WAIT)
      .toContain('Fix the configuration');
    expect(await incident.textContent()).toContain('critical');
    await page.screenshot({ path: new URL('dashboard-history.png', ARTIFACTS).pathname, fullPage: true });
    // UPDATE_SCREENSHOT=1 refreshes the README's picture from this run (the carriers only: smaller).
    if (process.env.UPDATE_SCREENSHOT)
      writeFileSync(
        new URL('../../docs/dashboard.png', import.meta.url),
        await page.locator('#carriers').screenshot(),
      );
    await h.control.clearFaults('ups');
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
