/**
 * The sandbox token authority sweeps expired records without turning quadratic: with 120,000
 * live tokens it sweeps a handful of times (each sweep reads the clock once), not on every
 * issue past its threshold; expired records are still dropped.
 */
import { describe, expect, it } from 'vitest';
import { createAccountBook } from '../../sandbox/kit/accounts.ts';
import { createModeBook } from '../../sandbox/kit/modes.ts';
import { createStats } from '../../sandbox/kit/stats.ts';
import { createTokenAuthority } from '../../sandbox/kit/tokens.ts';

function authority() {
  let now = 1_000_000;
  let reads = 0;
  const clock = () => {
    reads += 1;
    return now;
  };
  const account = { id: 'a', secrets: { clientId: 'c', clientSecret: 's' } };
  const tokens = createTokenAuthority({
    carrier: 'sim',
    accounts: createAccountBook([account]),
    stats: createStats(() => now),
    modes: createModeBook(),
    clock,
  });
  return {
    tokens,
    account,
    reads: () => reads,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('sandbox token authority sweep', () => {
  it('120,000 live tokens: issuing reads the clock once per token plus a few sweeps', () => {
    const a = authority();
    const issued = 120_000;
    for (let i = 0; i < issued; i++) a.tokens.issue(a.account, { lifetimeSeconds: 3600 });
    // Once per issue; a sweep adds one read. Sweeping on every issue past 50,000 would add 70,000.
    expect(a.reads() - issued).toBeLessThanOrEqual(4);
    expect(a.reads() - issued).toBeGreaterThanOrEqual(1);
  });

  it('expired tokens are still swept: records never exceed twice the live ones past the threshold', () => {
    const a = authority();
    const first = a.tokens.issue(a.account, { lifetimeSeconds: 1 });
    expect(a.tokens.verify(first.accessToken).ok).toBe(true);
    // Sweeps past 50,000 records find nothing expired: each next one waits for twice as many.
    for (let i = 0; i < 50_001; i++) a.tokens.issue(a.account, { lifetimeSeconds: 1 });
    a.advance(5_000);
    expect(a.tokens.verify(first.accessToken)).toMatchObject({ ok: false, reason: 'expired' });
    // Issuing as many again (and a little) doubles the records: the next sweep drops the expired.
    for (let i = 0; i < 60_000; i++) a.tokens.issue(a.account, { lifetimeSeconds: 1 });
    // Swept, so no longer known at all (an expired but kept token would say 'expired').
    expect(a.tokens.verify(first.accessToken)).toMatchObject({ ok: false, reason: 'unknown' });
  });
});
