/** Strict single-use rotating refresh tokens under concurrency: 10,000 refreshes, zero reuse. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { connectAccount, storedValue } from './support/connect-helpers.ts';
import { accountOf, brokerFor, CARRIER, ping, startGenericSandbox } from './support/harness.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startGenericSandbox();
  await sandbox.control.reset(CARRIER);
  await sandbox.control.setMode({ carrier: CARRIER, strictRotation: true });
});
afterAll(async () => {
  await sandbox.close();
});

const ACCOUNTS = 4;
const ROUNDS = 2_500; // x 4 accounts = 10,000 refreshes
const CALLERS = 6;

describe('rotation safety', () => {
  it('10,000 refreshes under concurrency never reuse a refresh token, and the store always holds the newest', async () => {
    const { broker, clock, store, hooks } = brokerFor();
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) =>
      accountOf(sandbox, { id: `rot-${i}`, authMethod: 'authorization_code' }),
    );
    const seen = new Set<string>();
    for (const a of accounts) seen.add((await connectAccount(sandbox, broker, a)).refreshToken as string);
    const current = new Map<string, string>();
    for (const a of accounts) current.set(a.id, (await broker.credential(a, 'primary')).fingerprint);
    // That first credential() adopted the stored token: no refresh yet.
    expect(hooks.calls).toHaveLength(0);

    for (let round = 0; round < ROUNDS; round += 1) {
      const byExpiry = round % 2 === 0;
      if (byExpiry) clock.advance(2 * 3_600_000);
      const results = await Promise.all(
        accounts.flatMap((a) =>
          Array.from({ length: CALLERS }, () =>
            byExpiry
              ? broker.credential(a, 'primary')
              : broker.rejected(a, 'primary', current.get(a.id) as string),
          ).map((p) => p.then((c) => ({ id: a.id, fp: c.fingerprint }))),
        ),
      );
      for (const a of accounts) {
        const mine = new Set(results.filter((r) => r.id === a.id).map((r) => r.fp));
        expect(mine.size).toBe(1); // every caller of the round got the same new token
        const fp = [...mine][0] as string;
        expect(fp).not.toBe(current.get(a.id));
        current.set(a.id, fp);
        const stored = await storedValue(store, a);
        expect(stored?.refreshToken).toBeDefined();
        expect(seen.has(stored?.refreshToken as string)).toBe(false); // a new one, persisted
        seen.add(stored?.refreshToken as string);
      }
    }

    const stats = await sandbox.control.stats(CARRIER);
    expect(stats.refreshTokenReuse.default ?? 0).toBe(0);
    expect(stats.tokenCallsByGrant.default?.refresh_token).toBe(ACCOUNTS * ROUNDS);
    expect(hooks.count({ outcome: 'success' })).toBe(ACCOUNTS * ROUNDS);
    expect(hooks.count({ outcome: 'failure' })).toBe(0);
    expect(seen.size).toBe(ACCOUNTS * (ROUNDS + 1));
    // The newest refresh tokens are alive at the carrier: the families were never revoked.
    for (const a of accounts) {
      const c = await broker.credential(a, 'primary');
      expect(await ping(sandbox, c.headers)).toBe(200);
    }
  }, 120_000);
});
