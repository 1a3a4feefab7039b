/**
 * Revocation: one account's tokens (at the carrier too, where the profile has a revocation
 * endpoint, RFC 7009), or every token of every account (the breach drill). Nothing here
 * returns or logs a token: reports carry counts, outcomes and durations.
 */
import type { Broker } from '../../auth/broker.ts';
import type { AuthMethod, CarrierAuthProfile } from '../../auth/profile.ts';
import { baseUrlOf, secretOf } from '../../auth/strategies/oauth-token.ts';
import { joinUrl } from '../../auth/strategies/token-http.ts';
import type { TokenStore } from '../../auth/types.ts';
import type { ResolvedAccount } from '../../config/account.ts';
import { credentialSlots, holdsAccessToken, storedTokens, tokenMethodOf } from './keys.ts';

export type CarrierRevocation = 'revoked' | 'failed' | 'unsupported' | 'nothing_to_revoke' | 'skipped';

export interface RevokeReport {
  carrier: string;
  account: string;
  /** Access tokens that were cached (memory or store) and are now gone. */
  tokensDropped: number;
  /** Refresh tokens deleted too (dropAuthorization). */
  refreshTokensDropped: number;
  carrierRevocation: CarrierRevocation;
  durationMs: number;
}

export interface RevokeDeps {
  broker: Broker;
  store: TokenStore;
  profileOf(carrier: string): CarrierAuthProfile | undefined;
  fetchFor(carrier: string): typeof fetch;
  now(): number;
}

export interface RevokeOptions {
  /** Also delete (and revoke at the carrier) the refresh token: the account must re-authenticate. */
  dropAuthorization?: boolean | undefined;
  /** Call the carrier's revocation endpoint where it has one (default true). */
  carrierRevoke?: boolean | undefined;
}

const REVOKE_TIMEOUT_MS = 10_000;

type RevocableMethod = Extract<AuthMethod, { tokenPath: string }> & { revokePath: string };

function base64Utf8(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** One RFC 7009 revocation request, with the client authentication the profile declares. */
async function revokeAtCarrier(
  doFetch: typeof fetch,
  account: ResolvedAccount,
  method: RevocableMethod,
  token: string,
  hint: 'access_token' | 'refresh_token',
): Promise<boolean> {
  const clientId = secretOf(account, 'clientId');
  const clientSecret = account.secrets.clientSecret ?? '';
  const params: Record<string, string> = { token, token_type_hint: hint };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method.clientAuth === 'basic')
    headers.authorization = `Basic ${base64Utf8(`${clientId}:${clientSecret}`)}`;
  else Object.assign(params, { client_id: clientId, client_secret: clientSecret });
  const json = method.clientAuth === 'json';
  headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
  const res = await doFetch(joinUrl(baseUrlOf(account, method.host), method.revokePath), {
    method: 'POST',
    headers,
    body: json ? JSON.stringify(params) : new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(REVOKE_TIMEOUT_MS),
  });
  await res.body?.cancel().catch(() => undefined);
  return res.ok;
}

function revocable(method: AuthMethod | undefined): RevocableMethod | undefined {
  return method !== undefined && 'tokenPath' in method && typeof method.revokePath === 'string'
    ? (method as RevocableMethod)
    : undefined;
}

export async function revokeAccount(
  deps: RevokeDeps,
  account: ResolvedAccount,
  options: RevokeOptions = {},
): Promise<RevokeReport> {
  const started = deps.now();
  const profile = deps.profileOf(account.carrier);
  const slots = profile === undefined ? [] : await credentialSlots(profile, account);
  const before = await storedTokens(deps.store, slots);
  const primaryInMemory = (await deps.broker.inspect(account).catch(() => undefined)) !== undefined;
  const live = before.filter((b) => holdsAccessToken(b.token, started));
  const tokensDropped = Math.max(live.length, primaryInMemory ? 1 : 0);

  let carrierRevocation: CarrierRevocation = 'skipped';
  if (options.carrierRevoke !== false) {
    const method = revocable(profile === undefined ? undefined : tokenMethodOf(profile, account));
    if (method === undefined) carrierRevocation = 'unsupported';
    else {
      // Only the primary token is the carrier's OAuth token; derived tokens have no RFC 7009 endpoint.
      const primary = before.find((b) => b.slot.name === 'primary')?.token;
      const calls: Promise<boolean>[] = [];
      if (primary && holdsAccessToken(primary, started))
        calls.push(
          revokeAtCarrier(
            deps.fetchFor(account.carrier),
            account,
            method,
            primary.accessToken,
            'access_token',
          ),
        );
      if (options.dropAuthorization && primary?.refreshToken)
        calls.push(
          revokeAtCarrier(
            deps.fetchFor(account.carrier),
            account,
            method,
            primary.refreshToken,
            'refresh_token',
          ),
        );
      if (calls.length === 0) carrierRevocation = 'nothing_to_revoke';
      else {
        const results = await Promise.all(calls.map((c) => c.catch(() => false)));
        carrierRevocation = results.every(Boolean) ? 'revoked' : 'failed';
      }
    }
  }

  // Tombstones, never deletes: a refresh in flight anywhere cannot write its result back.
  const keep = options.dropAuthorization !== true;
  await deps.broker.revoke(account, { keepAuthorization: keep });
  const refreshTokensDropped = keep ? 0 : before.filter((b) => b.token?.refreshToken).length;
  return {
    carrier: account.carrier,
    account: account.id,
    tokensDropped,
    refreshTokensDropped,
    carrierRevocation,
    durationMs: Math.max(0, deps.now() - started),
  };
}

export interface RevokeAllReport {
  accounts: number;
  tokensDropped: number;
  /** Tokens (access or refresh) the store still held right after the drill: must be 0. */
  remaining: number;
  carrierRevocations: { carrier: string; account: string; outcome: CarrierRevocation }[];
  /** Carriers whose profile has no revocation endpoint: their tokens were dropped here only. */
  carriersWithoutRevocation: string[];
  durationMs: number;
  startedAt: string;
}

/**
 * The breach drill: every cached token in this process and in the (shared) store is dropped,
 * refresh tokens included, so every account re-authenticates from its configured credentials.
 */
export async function revokeAll(
  deps: RevokeDeps,
  accounts: readonly ResolvedAccount[],
  options: { carrierRevoke?: boolean | undefined } = {},
): Promise<RevokeAllReport> {
  const started = deps.now();
  const slotsOf = await Promise.all(
    accounts.map(async (a) => {
      const profile = deps.profileOf(a.carrier);
      return { account: a, slots: profile === undefined ? [] : await credentialSlots(profile, a) };
    }),
  );
  let tokensDropped = 0;
  const carrierRevocations: RevokeAllReport['carrierRevocations'] = [];
  await Promise.all(
    slotsOf.map(async ({ account, slots }) => {
      const before = await storedTokens(deps.store, slots);
      tokensDropped += before.filter(
        (b) => holdsAccessToken(b.token, started) || b.token?.refreshToken,
      ).length;
      if (options.carrierRevoke) {
        const report = await revokeAccount(deps, account, { carrierRevoke: true });
        carrierRevocations.push({
          carrier: account.carrier,
          account: account.id,
          outcome: report.carrierRevocation,
        });
      }
    }),
  );
  await Promise.all(accounts.map((account) => deps.broker.revoke(account, { keepAuthorization: false })));
  const after = await Promise.all(slotsOf.map(({ slots }) => storedTokens(deps.store, slots)));
  const remaining = after
    .flat()
    .filter(
      (b) => b.token !== undefined && (b.token.accessToken !== '' || b.token.refreshToken !== undefined),
    ).length;
  const without = new Set<string>();
  for (const { account } of slotsOf) {
    const profile = deps.profileOf(account.carrier);
    if (revocable(profile === undefined ? undefined : tokenMethodOf(profile, account)) === undefined)
      without.add(account.carrier);
  }
  return {
    accounts: accounts.length,
    tokensDropped,
    remaining,
    carrierRevocations,
    carriersWithoutRevocation: [...without].sort(),
    durationMs: Math.max(0, deps.now() - started),
    startedAt: new Date(started).toISOString(),
  };
}
