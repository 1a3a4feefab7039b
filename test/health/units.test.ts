/** Small pure pieces: client networks, the env file, secret reload in place. */
import { describe, expect, it } from 'vitest';
import { keyIdOf, networkOf } from '../../src/api/middleware/caller-watch.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { createCallerWatch } from '../../src/health/caller-watch.ts';
import { parseEnvFile } from '../../src/health/credentials/env-file.ts';
import { diffReload } from '../../src/health/credentials/reload.ts';
import { createLedger } from '../../src/health/ledger.ts';
import { summarize } from '../../src/health/signals.ts';

describe('client networks', () => {
  it('is the /24 of an IPv4 address and the /48 of an IPv6 one', () => {
    expect(networkOf('203.0.113.77')).toBe('203.0.113.0/24');
    expect(networkOf('::ffff:198.51.100.9')).toBe('198.51.100.0/24');
    expect(networkOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(networkOf('not an address')).toBeUndefined();
    expect(networkOf(undefined)).toBeUndefined();
  });

  it('names keys by a hash prefix, never by value', async () => {
    const id = await keyIdOf('sk_live_supersecret');
    expect(id).toMatch(/^key_[0-9a-f]{12}$/);
    expect(id).not.toContain('supersecret');
  });

  it('learns the first places of a key and reports a new one once, until it ages out', () => {
    let now = 0;
    const watch = createCallerWatch({ now: () => now, resolveAfterMs: 1_000 });
    watch.observe('key_a', 'caller', { country: 'FR', network: '10.0.0.0/24' });
    watch.observe('key_a', 'caller', { country: 'FR', network: '10.0.0.0/24' });
    expect(watch.conditions()).toEqual([]);
    watch.observe('key_a', 'caller', { country: 'US', network: '10.0.0.0/24' });
    watch.observe('key_a', 'caller', { country: 'US', network: '10.0.0.0/24' });
    expect(watch.conditions()).toEqual([
      expect.objectContaining({ rule: 'caller_new_network', subject: 'key_a country US' }),
    ]);
    now = 1_000;
    expect(watch.conditions()).toEqual([]);
  });
});

describe('env file', () => {
  it('reads KEY=value lines, quotes and comments', () => {
    expect(
      parseEnvFile('# rotated 2026-03-01\nUPS_SECRET=abc=def\nexport B="two words"\nC=\'x\'\n\nbad line\n'),
    ).toEqual({ UPS_SECRET: 'abc=def', B: 'two words', C: 'x' });
  });
});

describe('reload', () => {
  const account = (id: string, secrets: Record<string, string>): ResolvedAccount => ({
    carrier: 'acme',
    id,
    environment: 'sandbox',
    authMethod: 'client_credentials',
    secrets,
    settings: {},
    labels: {},
    baseUrls: {},
  });

  it('finds the rotated secrets, the gone and the new accounts, and reports field names only', () => {
    const live = [
      account('main', { clientId: 'id', clientSecret: 'old-secret' }),
      account('gone', { clientId: 'x' }),
    ];
    const fresh = [
      account('main', { clientId: 'id', clientSecret: 'new-secret' }),
      account('new', { clientId: 'y' }),
    ];
    const { report, changed, added } = diffReload(live, fresh);
    expect(report).toEqual({
      changed: [{ carrier: 'acme', account: 'main', fields: ['clientSecret'] }],
      unchanged: 0,
      missing: ['acme/gone'],
      added: ['acme/new'],
    });
    expect(changed.map((a) => a.secrets.clientSecret)).toEqual(['new-secret']);
    expect(added.map((a) => a.id)).toEqual(['new']);
    expect(JSON.stringify(report)).not.toContain('secret-');
  });
});

describe('the activity ledger', () => {
  it('counts the newest 2,000 exchanges of an account, however many arrived', () => {
    const ledger = createLedger(() => 1_000);
    const bounds = { now: 1_000, windowMs: 60_000, lifetimeWindowMs: 60_000, lifetimeRatio: 0.5 };
    const counted = () => summarize(ledger.activity('ups', 'a'), bounds);
    // 600 throttled answers first, then successes: they leave the count oldest first.
    for (let i = 0; i < 600; i++)
      ledger.exchange('ups', 'a', { operation: 'rate', status: 429, resendCount: 0 });
    for (let i = 0; i < 1_400; i++)
      ledger.exchange('ups', 'a', { operation: 'rate', status: 200, resendCount: 0 });
    expect(counted()).toMatchObject({ exchanges: 2_000, throttled: 600 });
    for (const [more, throttled] of [
      [1, 599],
      [498, 101],
      [1, 100],
      [1, 99],
      [99, 0],
      [1_000, 0],
    ] as const) {
      for (let i = 0; i < more; i++)
        ledger.exchange('ups', 'a', { operation: 'rate', status: 200, resendCount: 0 });
      expect(counted()).toMatchObject({ exchanges: 2_000, throttled });
    }
    // Memory stays bounded: at most one batch of 500 beyond the 2,000 counted.
    expect(ledger.activity('ups', 'a').exchanges.length).toBeLessThan(2_500);
  });
});
