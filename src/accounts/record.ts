/**
 * A carrier account as data: what the shared store holds (secrets included, sealed at rest by
 * stores that leave the process), and what every instance resolves it to. The configuration
 * file bootstraps records; the admin API creates, updates, disables and deletes them.
 */
import { z } from 'zod';
import type { AuthMethodKind } from '../auth/profile.ts';
import type { CarrierDefinition } from '../carrier/definition.ts';
import type { ResolvedAccount } from '../config/account.ts';
import { AUTH_METHOD_KINDS } from '../config/schema.ts';

export const AccountRecord = z.object({
  carrier: z.string(),
  id: z.string(),
  environment: z.enum(['sandbox', 'production']),
  authMethod: z.enum(AUTH_METHOD_KINDS),
  secrets: z.record(z.string(), z.string()),
  settings: z.record(z.string(), z.string()),
  labels: z.record(z.string(), z.string()),
  /** Per profile host name; hosts not listed use the profile's URL for the environment. */
  baseUrls: z.record(z.string(), z.string()),
  tokenCallsPerHour: z.number().int().positive().optional(),
  enabled: z.boolean(),
  probe: z.object({ enabled: z.boolean(), intervalMs: z.number().int().positive().optional() }),
  rotation: z
    .object({
      credentialExpiresAt: z.string().optional(),
      lastRotatedAt: z.string().optional(),
      rotateEveryDays: z.number().positive().optional(),
      warnDays: z.number().positive().optional(),
    })
    .optional(),
  /** Where it came from: the configuration file (bootstrap, reload) or the admin API. */
  source: z.enum(['config', 'api']),
  /**
   * Its place among the carrier's accounts: the configuration's order first (the first one
   * is the carrier's default account), accounts created later after them.
   */
  position: z.number(),
  updatedAt: z.number(),
});
export type AccountRecord = z.infer<typeof AccountRecord>;

/** `carrier/id`: the account's name in the fleet's account map. */
export const recordKey = (carrier: string, id: string) => `${carrier}/${id}`;

/** What an instance serves: the record with its profile's default hosts and limits filled in. */
export function resolveRecord(def: CarrierDefinition, record: AccountRecord): ResolvedAccount {
  const baseUrls: Record<string, string> = {};
  for (const [host, urls] of Object.entries(def.hosts)) baseUrls[host] = urls[record.environment];
  Object.assign(baseUrls, record.baseUrls);
  return {
    carrier: record.carrier,
    id: record.id,
    environment: record.environment,
    authMethod: record.authMethod,
    secrets: { ...record.secrets },
    settings: { ...record.settings },
    labels: { ...record.labels },
    baseUrls,
    tokenCallsPerHour: record.tokenCallsPerHour ?? def.limits.tokenCallsPerHour,
  };
}

/** A configured account as its bootstrap record. */
export function recordOf(
  account: ResolvedAccount,
  extras: { probe?: AccountRecord['probe'] | undefined; rotation?: AccountRecord['rotation'] | undefined },
  at: number,
  position = at,
): AccountRecord {
  return {
    carrier: account.carrier,
    id: account.id,
    environment: account.environment,
    authMethod: account.authMethod as AuthMethodKind,
    secrets: { ...account.secrets },
    settings: { ...account.settings },
    labels: { ...account.labels },
    baseUrls: { ...account.baseUrls },
    ...(account.tokenCallsPerHour !== undefined ? { tokenCallsPerHour: account.tokenCallsPerHour } : {}),
    enabled: true,
    probe: extras.probe ?? { enabled: true },
    ...(extras.rotation ? { rotation: extras.rotation } : {}),
    source: 'config',
    position,
    updatedAt: at,
  };
}

/** Whether a change makes the tokens obtained before it unusable (who we are, where we go). */
export function credentialsChanged(before: AccountRecord, after: AccountRecord): boolean {
  const same = (a: Record<string, string>, b: Record<string, string>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  return (
    before.environment !== after.environment ||
    before.authMethod !== after.authMethod ||
    !same(before.secrets, after.secrets) ||
    !same(before.baseUrls, after.baseUrls)
  );
}
