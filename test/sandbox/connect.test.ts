/**
 * The connect flow (authorization code + PKCE) in sandbox mode, end to end: the gateway sends
 * the operator to the carrier's authorize endpoint, the sandbox shows a login and consent page
 * there, Allow sends the browser back to the gateway's callback, which stores the new
 * authorization, and the account then ships. Done over plain HTTP (submitting the page's form
 * as a browser would) for every carrier that has the flow, and by clicking in Chromium.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_LABEL_REQUEST } from '../../sandbox/examples.ts';
import { requestJson } from '../support/http.ts';
import { type SandboxGateway, startSandboxGateway } from './sandbox-gateway.ts';

let gw: SandboxGateway;
beforeAll(async () => {
  gw = await startSandboxGateway({ start: false });
});
afterAll(() => gw?.close());

/** The gateway's redirect to the carrier's login (the authorize step needs a caller key). */
async function loginUrl(carrier: string, account: string): Promise<string> {
  const res = await fetch(`${gw.url}/v1/connect/${carrier}/${account}/authorize`, {
    headers: { authorization: `Bearer ${gw.apiKey}` },
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  return res.headers.get('location')!;
}

const unescapeHtml = (text: string) =>
  text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

/** What a browser sends when the page's button `choice` is pressed: the GET form, submitted. */
async function submitConsent(login: string, choice: 'allow' | 'deny'): Promise<Response> {
  const page = await fetch(login);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  const html = await page.text();
  const action = /<form method="get" action="([^"]+)"/.exec(html)?.[1];
  expect(action).toBeDefined();
  const target = new URL(unescapeHtml(action!), login);
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    target.searchParams.set(unescapeHtml(name!), unescapeHtml(value!));
  const button = new RegExp(`<button id="${choice}" type="submit" name="([^"]+)" value="([^"]+)"`).exec(html);
  expect(button).not.toBeNull();
  target.searchParams.set(button![1]!, button![2]!);
  return fetch(target, { redirect: 'manual' });
}

describe('connecting an authorization-code account in sandbox mode', () => {
  it.each([['ups'], ['usps']])(
    '%s: consent page, Allow, callback stores the authorization, then a label',
    async (carrier) => {
      const login = await loginUrl(carrier, 'pkce');
      expect(login.startsWith(gw.mode.sandbox.baseUrl(carrier))).toBe(true);
      const before = await gw.mode.sandbox.control.stats(carrier);

      const back = await submitConsent(login, 'allow');
      expect(back.status).toBe(302);
      const callback = new URL(back.headers.get('location')!);
      expect(callback.href.startsWith(`${gw.url}/v1/connect/${carrier}/pkce/callback?`)).toBe(true);
      expect(callback.searchParams.get('code')).toBeTruthy();

      const connected = await requestJson<{ connected: boolean; refreshToken: boolean }>(
        fetch,
        callback.href,
        'GET',
      );
      expect(connected.status).toBe(200);
      expect(connected.body).toMatchObject({ connected: true, carrier, account: 'pkce', refreshToken: true });
      const after = await gw.mode.sandbox.control.stats(carrier);
      const grants = (stats: typeof before) => stats.tokenCallsByGrant.pkce?.authorization_code ?? 0;
      expect(grants(after) - grants(before)).toBe(1);

      // The account ships with the new authorization.
      const label = await requestJson<{ carrier: string; routing: { servedBy: string }[] }>(
        fetch,
        `${gw.url}/v1/labels`,
        'POST',
        {
          key: gw.apiKey,
          headers: { 'Idempotency-Key': `connect-${carrier}-${crypto.randomUUID()}` },
          body: { ...SAMPLE_LABEL_REQUEST, carrier, account: 'pkce', failover: 'never', format: 'ZPL' },
        },
      );
      expect(label.status).toBe(201);
      expect(label.body.carrier).toBe(carrier);
    },
  );

  it('Deny sends the browser back with access_denied, and the callback stores nothing', async () => {
    const before = await gw.mode.sandbox.control.stats('ups');
    const back = await submitConsent(await loginUrl('ups', 'pkce'), 'deny');
    expect(back.status).toBe(302);
    const callback = new URL(back.headers.get('location')!);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    const answer = await requestJson<{ type: string }>(fetch, callback.href, 'GET');
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('/problems/connect-denied');
    const after = await gw.mode.sandbox.control.stats('ups');
    expect(after.tokenCallsByGrant.pkce?.authorization_code ?? 0).toBe(
      before.tokenCallsByGrant.pkce?.authorization_code ?? 0,
    );
  });
});

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(
    `Chromium is required under CI but ${CHROMIUM} does not exist (apt-get install -y chromium)`,
  );

describe.runIf(available)('a person connecting in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  });
  afterAll(() => browser?.close());

  it('opens the login address, reads who asks, clicks Allow, and sees the account connected', async () => {
    const page = await browser.newPage();
    await page.goto(await loginUrl('ups', 'pkce'));
    expect(await page.locator('#account').textContent()).toBe('pkce');
    await Promise.all([page.waitForURL(/\/v1\/connect\/ups\/pkce\/callback\?/), page.click('#allow')]);
    expect(JSON.parse((await page.locator('body').textContent()) ?? '')).toMatchObject({
      connected: true,
      carrier: 'ups',
      account: 'pkce',
    });
  });
});
