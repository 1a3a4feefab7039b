/** Kit state machines with an injected clock and random source: faults, tokens, labels. */
import { describe, expect, it } from 'vitest';
import { createSimContext } from '../../sandbox/kit/context.ts';
import { s256Challenge } from '../../sandbox/kit/pkce.ts';

function fakeTime(start = 1_700_000_000_000) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

describe('fault book', () => {
  it('applies count, duration, account and endpoint restrictions', () => {
    const t = fakeTime();
    const sim = createSimContext('x', { clock: t.clock });
    sim.faults.add({ target: 'api', kind: 'throttled', count: 2, endpoint: 'rate' });
    sim.faults.add({ target: 'api', kind: 'server_error', account: 'a1', durationMs: 1000 });
    expect(sim.faults.take({ target: 'api', endpoint: 'label' })).toBeUndefined();
    expect(sim.faults.take({ target: 'token', endpoint: 'rate' })).toBeUndefined();
    expect(sim.faults.take({ target: 'api', endpoint: 'rate' })?.kind).toBe('throttled');
    expect(sim.faults.take({ target: 'api', endpoint: 'rate' })?.kind).toBe('throttled');
    expect(sim.faults.take({ target: 'api', endpoint: 'rate' })).toBeUndefined();
    expect(sim.faults.take({ target: 'api', account: 'a2' })).toBeUndefined();
    expect(sim.faults.take({ target: 'api', account: 'a1' })?.kind).toBe('server_error');
    t.advance(1000);
    expect(sim.faults.take({ target: 'api', account: 'a1' })).toBeUndefined();
    expect(sim.faults.list()).toEqual([]);
  });

  it('rolls the probability per call', () => {
    const rolls = [0.1, 0.9, 0.49, 0.5];
    const sim = createSimContext('x', { random: () => rolls.shift() ?? 0 });
    sim.faults.add({ target: 'token', kind: 'hang', probability: 0.5 });
    const fired = [1, 2, 3, 4].map(() => sim.faults.take({ target: 'token' }) !== undefined);
    expect(fired).toEqual([true, false, true, false]);
  });
});

describe('token authority', () => {
  const account = { id: 'a', secrets: { clientId: 'c' } };

  it('expires tokens at their actual lifetime, not the claimed one', () => {
    const t = fakeTime();
    const sim = createSimContext('x', { clock: t.clock });
    sim.accounts.register(account);
    const normal = sim.tokens.issue(account, { lifetimeSeconds: 100 });
    const early = sim.tokens.issue(account, { lifetimeSeconds: 100, actualLifetimeSeconds: 10 });
    expect(early.expiresIn).toBe(100);
    t.advance(10_000);
    expect(sim.tokens.verify(early.accessToken)).toEqual({ ok: false, reason: 'expired' });
    expect(sim.tokens.verify(normal.accessToken).ok).toBe(true);
    t.advance(90_000);
    expect(sim.tokens.verify(normal.accessToken)).toEqual({ ok: false, reason: 'expired' });
  });

  it('strict rotation over a long chain never accepts a spent token', () => {
    const sim = createSimContext('x');
    sim.accounts.register(account);
    sim.modes.set('a', { strictRotation: true });
    let rt = sim.tokens.issue(account, { withRefresh: true }).refreshToken ?? '';
    const spent: string[] = [];
    for (let i = 0; i < 200; i++) {
      const r = sim.tokens.refresh(rt);
      if (!r.ok) throw new Error(r.reason);
      spent.push(rt);
      rt = r.token.refreshToken ?? '';
    }
    expect(sim.stats.snapshot().refreshTokenReuse).toEqual({});
    expect(sim.tokens.refresh(spent[100] ?? '')).toEqual({ ok: false, reason: 'reused' });
    expect(sim.tokens.refresh(rt)).toEqual({ ok: false, reason: 'revoked' });
    expect(sim.stats.snapshot().refreshTokenReuse).toEqual({ a: 1 });
  });

  it('redeems a PKCE code once, with the S256 verifier only', () => {
    const sim = createSimContext('x');
    sim.accounts.register(account);
    const verifier = 'v'.repeat(43);
    const code = sim.tokens.createCode(account, {
      codeChallenge: s256Challenge(verifier),
      codeChallengeMethod: 'S256',
    });
    expect(sim.tokens.redeemCode({ code, codeVerifier: 'w'.repeat(43) })).toEqual({
      ok: false,
      reason: 'pkce_mismatch',
    });
    expect(sim.tokens.redeemCode({ code, codeVerifier: verifier }).ok).toBe(true);
    expect(sim.tokens.redeemCode({ code, codeVerifier: verifier })).toEqual({ ok: false, reason: 'used' });
  });
});

describe('label book', () => {
  it('generates unique check-digit numbers, counts references and tells a history by elapsed time', () => {
    const t = fakeTime();
    const sim = createSimContext('x', { clock: t.clock });
    const a = sim.labels.create({ accountId: 'a', service: 'G', format: 'PDF', reference: 'r1' });
    const b = sim.labels.create({ accountId: 'a', service: 'G', format: 'PDF', reference: 'r1' });
    expect(a.trackingNumber).toMatch(/^SB\d{11}$/);
    expect(a.trackingNumber).not.toBe(b.trackingNumber);
    expect(sim.stats.snapshot()).toMatchObject({ labelsCreated: 2, labelsByReference: { r1: 2 } });
    expect(sim.labels.events(a.trackingNumber)?.map((e) => e.status)).toEqual(['pre_transit']);
    t.advance(7 * 3600_000);
    expect(sim.labels.events(a.trackingNumber)?.map((e) => e.code)).toEqual(['LC', 'PU', 'IT']);
    t.advance(30 * 3600_000);
    expect(sim.labels.events(a.trackingNumber)?.at(-1)?.status).toBe('delivered');
    expect(sim.labels.events('unknown')).toBeUndefined();
    sim.labels.useGenerator((n) => `1ZTEST${String(n).padStart(4, '0')}`);
    expect(sim.labels.create({ accountId: 'a', service: 'G', format: 'ZPL' }).trackingNumber).toBe(
      '1ZTEST0003',
    );
  });
});
