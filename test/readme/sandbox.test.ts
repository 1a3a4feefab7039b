/**
 * The README's sandbox walkthrough, as a newcomer follows it: `npm install && npm start` in
 * the repository, the banner's export line pasted into another shell, then each block in the
 * README's order, with what the README says about its answer asserted. The dashboard and the
 * connect flow are completed in Chromium with what the banner printed, as a person would.
 *
 * One departure: `npm install` runs as `--dry-run` (the suite must not change the tree it runs
 * on); it must find the tree up to date.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../sandbox/free-port.ts';
import { jsonValues, README, ROOT, type RunningBlock, readmeBlock, runBlock, startBlock } from './readme.ts';

const NPM_INSTALL_DRY_RUN =
  'npm() { if [ "$1" = install ]; then command npm install --dry-run --no-audit --no-fund; else command npm "$@"; fi; }\n';

let session: RunningBlock;
let banner = '';
/** The variables of the banner's export line, as the reader's shell has them after pasting it. */
let vars: Record<string, string> = {};
const cwd = mkdtempSync(join(tmpdir(), 'readme-session-'));

beforeAll(async () => {
  const start = readmeBlock('start');
  session = startBlock(
    { ...start, code: NPM_INSTALL_DRY_RUN + start.code },
    {
      cwd: ROOT,
      env: { PORT: String(await freePort()) },
    },
  );
  const line = (await session.waitFor(/^\s*(export GATEWAY=.*)$/m, 90_000))[1]!;
  banner = session.output();
  vars = Object.fromEntries(
    line
      .replace(/^export /, '')
      .split(/\s+/)
      .map((pair) => pair.split('=') as [string, string]),
  );
}, 120_000);

afterAll(async () => {
  await session?.stop();
  rmSync(cwd, { recursive: true, force: true });
}, 30_000);

const runReadme = async (name: string) => {
  const result = await runBlock(readmeBlock(name), { cwd, env: vars, timeoutMs: 60_000 });
  expect(result.stderr, `${name} wrote to stderr`).toBe('');
  expect(result.status, `${name} failed`).toBe(0);
  return result.stdout;
};

interface Rates {
  rates: { carrier: string; total: { amount: string } }[];
  messages: unknown[];
  routing: {
    requested: string;
    servedBy: string | null;
    failedOver: boolean;
    attempts: { carrier: string; outcome: string; class?: string }[];
  }[];
}

describe('the README in sandbox mode, in order', () => {
  it('npm install finds the tree up to date; npm start prints the banner the README shows', () => {
    expect(banner).toMatch(/up to date/);
    expect(Object.keys(vars).sort()).toEqual(['ADMIN_KEY', 'GATEWAY', 'KEY', 'SIM']);
    const shape = (text: string) =>
      text
        .split('\n')
        .map((l) =>
          l
            .replace(/http:\/\/127\.0\.0\.1:\d+/g, '<url>')
            .replace(/sk_[a-z_]+[0-9a-f]+…?/g, '<key>')
            .trim(),
        )
        .filter((l) => l !== '');
    const printed = new Set(shape(banner));
    const missing = shape(readmeBlock('banner').code).filter((l) => !printed.has(l));
    expect(missing, 'README banner lines npm start does not print').toEqual([]);
  });

  it('first-rate: rates from UPS, FedEx and USPS, sorted by price, no message', async () => {
    const [answer] = jsonValues(await runReadme('first-rate')) as Rates[];
    expect(new Set(answer!.rates.map((r) => r.carrier))).toEqual(new Set(['ups', 'fedex', 'usps']));
    const amounts = answer!.rates.map((r) => Number(r.total.amount));
    expect(amounts).toEqual([...amounts].sort((a, b) => a - b));
    expect(answer!.messages).toEqual([]);
  });

  it('label: a FedEx label saved as label.json and label.pdf', async () => {
    const out = await runReadme('label');
    const label = JSON.parse(readFileSync(join(cwd, 'label.json'), 'utf8')) as {
      carrier: string;
      trackingNumber: string;
      routing: Rates['routing'][number];
    };
    expect(out.trim()).toBe(`fedex FedEx Ground ${label.trackingNumber}`);
    expect(label.routing).toMatchObject({ requested: 'fedex', servedBy: 'fedex', failedOver: false });
    expect(readFileSync(join(cwd, 'label.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('tracking: the label just bought, with its events', async () => {
    const [tracking] = jsonValues(await runReadme('tracking')) as {
      trackingNumber: string;
      events: unknown[];
    }[];
    const label = JSON.parse(readFileSync(join(cwd, 'label.json'), 'utf8')) as { trackingNumber: string };
    expect(tracking!.trackingNumber).toBe(label.trackingNumber);
    expect(tracking!.events.length).toBeGreaterThan(0);
  });

  it('fault-injection: the rate asked of UPS is served by FedEx, and the routing record says why', async () => {
    const values = jsonValues(await runReadme('fault-injection'));
    const answer = values.find((v) => typeof v === 'object' && v !== null && 'routing' in v) as Rates;
    expect(answer.rates.length).toBeGreaterThan(0);
    expect(new Set(answer.rates.map((r) => r.carrier))).toEqual(new Set(['fedex']));
    expect(answer.routing[0]).toMatchObject({ requested: 'ups', servedBy: 'fedex', failedOver: true });
    expect(answer.routing[0]!.attempts[0]).toMatchObject({
      carrier: 'ups',
      outcome: 'failed',
      class: 'malformed',
    });
    expect(JSON.stringify(answer.messages)).toContain('ups');
    const stats = values.find((v) => typeof v === 'object' && v !== null && 'ups' in v) as {
      ups: { tokenCallsByGrant: Record<string, Record<string, number>> };
    };
    expect(stats.ups.tokenCallsByGrant['ups-sandbox']?.client_credentials).toBeGreaterThanOrEqual(2);
    expect(values.at(-1)).toEqual({ cleared: expect.arrayContaining(['ups']) });
  });

  it('admin: the inventory and the alerts with the admin key; a caller key gets 403', async () => {
    const out = await runReadme('admin');
    const [inventory, alerts] = jsonValues(out) as [
      { credentials: { carrier: string }[] },
      { open: unknown[] },
    ];
    expect(inventory.credentials.map((c) => c.carrier)).toContain('colissimo');
    expect(Array.isArray(alerts.open)).toBe(true);
    expect(out.trim().split('\n').at(-1)).toBe('caller key: 403');
    // No secret in the inventory: the sandbox's client secrets stay out.
    expect(out).not.toContain('sandbox-secret');
  });

  it('connect-script: the USPS sandbox account is connected again, Allow pressed by the script', async () => {
    const [answer] = jsonValues(await runReadme('connect-script'));
    expect(answer).toMatchObject({ connected: true, carrier: 'usps', account: 'pkce', refreshToken: true });
  });
});

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(
    `Chromium is required under CI but ${CHROMIUM} does not exist (apt-get install -y chromium)`,
  );

describe.runIf(available)('the README steps a person takes in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  });
  afterAll(() => browser?.close());

  it('the dashboard at $GATEWAY/dashboard, signed in with the admin key the banner printed', async () => {
    expect(readFileSync(README, 'utf8')).toContain('open `$GATEWAY/dashboard`');
    const page = await browser.newPage();
    await page.goto(`${vars.GATEWAY}/dashboard`);
    await page.locator('#admin-key').fill(vars.ADMIN_KEY!);
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('section[data-carrier="colissimo"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('section[data-carrier]').count()).toBe(6);
  });

  it('connect: the printed address opened in a browser, Allow pressed, the account connected', async () => {
    const login = (await runReadme('connect')).trim();
    expect(login.startsWith(`${vars.SIM}/ups/`)).toBe(true);
    const page = await browser.newPage();
    await page.goto(login);
    await Promise.all([page.waitForURL(/\/v1\/connect\/ups\/pkce\/callback\?/), page.click('#allow')]);
    expect(JSON.parse((await page.locator('body').textContent()) ?? '')).toMatchObject({
      connected: true,
      carrier: 'ups',
      account: 'pkce',
    });
  });
});
