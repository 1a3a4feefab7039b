/**
 * Accounts for the multi-instance tests: sandbox client-credential accounts, and fresh
 * authorization-code accounts connected in the simulator's token authority (their own
 * rotating refresh token), plus a reader of what the fleet stored for an account.
 */
import { carriers as registry } from '../../../carriers/index.ts';
import { sandboxAccount } from '../../../sandbox/gateway-accounts.ts';
import type { Sandbox } from '../../../sandbox/server.ts';
import { cacheKey, keyPartsOf } from '../../../src/auth/cache-key.ts';
import { resolveMethod, scopeOf } from '../../../src/auth/method.ts';
import type { StoredToken, Versioned } from '../../../src/auth/types.ts';
import type { ResolvedAccount } from '../../../src/config/account.ts';
import { createRedisTokenStore } from '../../../src/store/redis.ts';
import type { StoreTarget } from './topologies.ts';

/** Far above any test's token calls: the hourly quota is not what these tests are about. */
const NO_QUOTA = 1_000_000;

const carrierOf = (id: string) => {
  const carrier = registry.find((c) => c.id === id);
  if (!carrier) throw new Error(`no carrier ${id}`);
  return carrier;
};

/** A sandbox account (client credentials), as the gateway resolves it. */
export function clientAccount(sandbox: Sandbox, carrier: string, id: string): ResolvedAccount {
  const sim = sandbox.accounts(carrier).find((a) => a.id === id);
  if (!sim) throw new Error(`no sandbox account ${carrier}/${id}`);
  return {
    ...sandboxAccount(carrierOf(carrier), sim, sandbox.baseUrl(carrier)),
    tokenCallsPerHour: NO_QUOTA,
  };
}

/** A new client-credentials account of `carrier`, registered in its simulator. */
export function registeredClientAccount(sandbox: Sandbox, carrier: string, id: string): ResolvedAccount {
  const account = {
    id,
    secrets: { clientId: `${id}-client`, clientSecret: `${id}-secret-${crypto.randomUUID()}` },
    settings: { accountNumber: 'C1U5T3' },
  };
  sandbox.context(carrier).accounts.register(account);
  return {
    ...sandboxAccount(carrierOf(carrier), account, sandbox.baseUrl(carrier)),
    tokenCallsPerHour: NO_QUOTA,
  };
}

/**
 * A new account of `carrier` connected through the authorization-code method: registered in
 * the simulator, with a refresh token issued by its token authority as the configured seed.
 */
export function connectedAccount(sandbox: Sandbox, carrier: string, id: string): ResolvedAccount {
  const sim = sandbox.context(carrier);
  const secrets = { clientId: `${id}-client`, clientSecret: `${id}-secret-${crypto.randomUUID()}` };
  const account = { id, secrets, settings: { accountNumber: 'R0T4T3' } };
  sim.accounts.register(account);
  const issued = sim.tokens.issue(account, { withRefresh: true, refreshLifetimeSeconds: 30 * 24 * 3600 });
  return {
    ...sandboxAccount(
      carrierOf(carrier),
      { ...account, secrets: { ...secrets, refreshToken: issued.refreshToken ?? '' } },
      sandbox.baseUrl(carrier),
    ),
    authMethod: 'authorization_code',
    tokenCallsPerHour: NO_QUOTA,
  };
}

/** What the fleet's shared store holds for the account's primary token (decrypted with its key). */
export async function storedToken(
  fleet: { target: StoreTarget; namespace: string; encryptionKey: { id: string; key: string } },
  account: ResolvedAccount,
): Promise<Versioned<StoredToken> | undefined> {
  const resolved = resolveMethod(carrierOf(account.carrier).auth, account);
  if (resolved.type !== 'token') throw new Error('not a token account');
  const key = await cacheKey(keyPartsOf(account, 'primary', scopeOf(resolved.method, account)));
  const store = await createRedisTokenStore({
    url: fleet.target,
    namespace: fleet.namespace,
    encryptionKeys: [fleet.encryptionKey],
  });
  try {
    return await store.get(key);
  } finally {
    await store.close();
  }
}

/** Counts of one simulator account: token calls by grant, and refresh-token reuse. */
export async function tokenStats(sandbox: Sandbox, carrier: string, account: string) {
  const stats = await sandbox.control.stats(carrier);
  return {
    calls: stats.tokenCalls[account] ?? 0,
    refreshes: stats.tokenCallsByGrant[account]?.refresh_token ?? 0,
    reuse: stats.refreshTokenReuse[account] ?? 0,
  };
}
