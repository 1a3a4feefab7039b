/**
 * The carrier accounts of a soak run, from the simulators' side. Each carrier's first sandbox
 * account (its credentials only open the simulator; they are learnt by building each carrier's
 * simulator locally, as the sandbox process does), and one UPS account connected through the
 * authorization-code flow with strictly single-use refresh tokens and short access tokens, so
 * refreshes (and their races between instances) happen all the time. The harness registers
 * that account with the simulator and obtains its first refresh token the way an operator
 * would: the carrier's authorize page, then the code exchange.
 */
import { randomBytes } from 'node:crypto';
import { carriers } from '../../../carriers/index.ts';
import { CONSENT_PARAM } from '../../../sandbox/consent.ts';
import type { ControlClient } from '../../../sandbox/control-client.ts';
import { createSimContext } from '../../../sandbox/kit/context.ts';
import type { SimAccount } from '../../../sandbox/kit/types.ts';
import { loadRegisteredSimulators } from '../../../sandbox/server.ts';

export const CONNECTED_CARRIER = 'ups';
export const CONNECTED_ACCOUNT = 'soak-connected';
/** The connected account's access tokens live this long: refreshes every few seconds of load. */
export const CONNECTED_TOKEN_SECONDS = 20;

export interface SoakAccount {
  carrier: string;
  id: string;
  auth: string;
  secrets: Record<string, string>;
  settings: Record<string, string>;
}

/** Each registered carrier's first sandbox account, as its simulator defines it. */
async function sandboxAccounts(): Promise<SoakAccount[]> {
  const factories = await loadRegisteredSimulators();
  return carriers.map((carrier) => {
    const factory = factories[carrier.id];
    if (!factory) throw new Error(`no simulator for ${carrier.id}`);
    const first: SimAccount | undefined = factory(createSimContext(carrier.id)).sandboxAccounts[0];
    if (!first) throw new Error(`${carrier.id} has no sandbox account`);
    return {
      carrier: carrier.id,
      id: first.id,
      auth: carrier.auth.default,
      secrets: { ...first.secrets },
      settings: { ...(first.settings ?? {}) },
    };
  });
}

/** Authorize (consent given in the request) and exchange the code: the account's first refresh token. */
async function firstRefreshToken(
  upsBaseUrl: string,
  clientId: string,
  clientSecret: string,
): Promise<string> {
  const redirectUri = 'http://127.0.0.1/soak-operator';
  const authorize = new URL(`${upsBaseUrl}/security/v1/oauth/authorize`);
  authorize.searchParams.set('client_id', clientId);
  authorize.searchParams.set('redirect_uri', redirectUri);
  authorize.searchParams.set('response_type', 'code');
  // The operator's consent, given up front (the sandbox's consent page answers it with the code).
  authorize.searchParams.set(CONSENT_PARAM, 'allow');
  const consent = await fetch(authorize, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code');
  if (!code) throw new Error(`UPS authorize gave no code (${consent.status})`);
  const res = await fetch(`${upsBaseUrl}/security/v1/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { refresh_token?: string };
  if (!body.refresh_token) throw new Error(`UPS code exchange gave no refresh token (${res.status})`);
  return body.refresh_token;
}

export async function prepareAccounts(control: ControlClient, upsBaseUrl: string): Promise<SoakAccount[]> {
  const accounts = await sandboxAccounts();
  const secrets = {
    clientId: `soak-${randomBytes(8).toString('hex')}`,
    clientSecret: randomBytes(18).toString('base64url'),
  };
  await control.addAccount(CONNECTED_CARRIER, {
    id: CONNECTED_ACCOUNT,
    secrets,
    settings: { accountNumber: 'S0AK01' },
  });
  await control.setMode({
    carrier: CONNECTED_CARRIER,
    account: CONNECTED_ACCOUNT,
    strictRotation: true,
    tokenLifetimeSeconds: CONNECTED_TOKEN_SECONDS,
  });
  const refreshToken = await firstRefreshToken(upsBaseUrl, secrets.clientId, secrets.clientSecret);
  const connected: SoakAccount = {
    carrier: CONNECTED_CARRIER,
    id: CONNECTED_ACCOUNT,
    auth: 'authorization_code',
    secrets: { ...secrets, refreshToken },
    settings: { accountNumber: 'S0AK01' },
  };
  // The connected account first: it is UPS's default account, so most UPS traffic refreshes it.
  const ups = accounts.filter((a) => a.carrier === CONNECTED_CARRIER);
  return [connected, ...ups, ...accounts.filter((a) => a.carrier !== CONNECTED_CARRIER)];
}

/** Credential fields that identify rather than authenticate (the gateway may show them). */
const NOT_SECRET = /^(clientId|username)$/;

/** Every secret value of the run, to make sure none appears in a gateway's log. */
export function secretValues(accounts: readonly SoakAccount[]): string[] {
  return accounts.flatMap((a) =>
    Object.entries(a.secrets)
      .filter(([field, value]) => !NOT_SECRET.test(field) && value.length >= 8)
      .map(([, value]) => value),
  );
}
