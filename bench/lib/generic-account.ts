/**
 * The sandbox's standards-shaped OAuth server ('generic-oauth') as a broker sees it: a
 * client-credentials profile and accounts pointing at it. The broker scenarios (stampede,
 * cluster, scale) drive the broker directly with these.
 */
import { GENERIC_OAUTH_ID } from '../../sandbox/generic-oauth.ts';
import type { SimAccount } from '../../sandbox/kit/types.ts';
import type { CarrierAuthProfile } from '../../src/auth/profile.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';

export const GENERIC_ID = GENERIC_OAUTH_ID;

export const genericProfile: CarrierAuthProfile = {
  methods: {
    client_credentials: { kind: 'client_credentials', tokenPath: '/oauth/token', clientAuth: 'basic' },
  },
  default: 'client_credentials',
  credentialFields: { client_credentials: ['clientId', 'clientSecret'] },
};

/**
 * One base URL string per simulator, shared by its accounts as a carrier's default URL is in
 * a configuration (a template per account would keep a cons string each: ~39 bytes at scale).
 */
const baseUrls = new Map<string, string>();
function baseUrlOf(simulatorUrl: string): string {
  let url = baseUrls.get(simulatorUrl);
  if (url === undefined) {
    url = `${simulatorUrl}/${GENERIC_ID}`;
    baseUrls.set(simulatorUrl, url);
  }
  return url;
}

/** A gateway account for a simulator account; `id` may differ to make many gateway accounts of one client. */
export function genericAccount(simulatorUrl: string, sim: SimAccount, id = sim.id): ResolvedAccount {
  return {
    carrier: GENERIC_ID,
    id,
    environment: 'sandbox',
    authMethod: 'client_credentials',
    secrets: { clientId: sim.secrets.clientId ?? '', clientSecret: sim.secrets.clientSecret ?? '' },
    settings: {},
    labels: {},
    baseUrls: { default: baseUrlOf(simulatorUrl) },
  };
}
