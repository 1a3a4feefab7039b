/**
 * Soak invariant `no-refresh-token-reused`, broken by the chaos action "admin revoke and
 * re-connect" (issue 20; seed 20 of `npm run soak -- --short --exclude none` shows it).
 *
 * An operator revokes a rotating authorization-code account with `dropAuthorization`: the
 * gateway deletes the stored refresh token and the account must be connected again. The next
 * request for the account refreshes anyway, with the refresh token of the configuration, which
 * the gateway itself rotated long ago; a carrier with single-use refresh tokens sees a spent
 * token presented again and revokes the whole token family (UPS-API/api-documentation#90).
 * The fix: the configured seed refresh token is used only when nothing was ever stored for the
 * account; once a tombstone dropped the authorization, the account must be connected again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HealthHarness, RATE_BODY, startHealthHarness } from '../../health/support/harness.ts';

const ACCOUNT = 'ups-connected';

describe('admin revoke with dropAuthorization on a rotating account', () => {
  let h: HealthHarness;
  beforeAll(async () => {
    h = await startHealthHarness({
      carriers: ['ups'],
      health: { start: false },
      // The sandbox's connected UPS account (its seed refresh token issued at start), alone.
      accounts: (_carrier, accounts) =>
        accounts
          .filter((a) => a.id === ACCOUNT)
          .map((a) => ({ ...a, authMethod: 'authorization_code' as const })),
    });
  });
  afterAll(() => h.close());

  it('never presents the spent configured refresh token again', async () => {
    // The first request refreshes with the configured token: UPS spends it and issues a new one.
    const first = await h.request<{ rates: unknown[] }>('POST', '/v1/rates', RATE_BODY(['ups']));
    expect(first.status, first.text).toBe(200);
    expect(first.body.rates.length).toBeGreaterThan(0);

    const revoked = await h.admin('POST', `/admin/credentials/ups/${ACCOUNT}/revoke`, {
      dropAuthorization: true,
    });
    expect(revoked.status, revoked.text).toBe(200);
    // The account must be connected again: this request may fail, but must not reuse a token.
    await h.request('POST', '/v1/rates', RATE_BODY(['ups']));

    const stats = await h.control.stats('ups');
    expect(stats.refreshTokenReuse[ACCOUNT] ?? 0).toBe(0);
  });
});
