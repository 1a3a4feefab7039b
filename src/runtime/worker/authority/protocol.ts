/**
 * The credential authority's wire: what a Worker isolate asks the per-account Durable
 * Object, and what it answers. JSON over the object's fetch, checked with zod on both ends.
 */
import { z } from '@hono/zod-openapi';
import type { ResolvedAccount } from '../../../config/account.ts';
import { AUTH_METHOD_KINDS } from '../../../config/schema.ts';
import { CarrierErrorWire } from '../../../domain/error-wire.ts';

/** Extra broker options that travel (the abort signal stays on the caller's side). */
const CallOptions = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({});

const Strings = z.record(z.string(), z.string());

/**
 * The account as the isolate serves it (the fleet's account records, which the admin API
 * changes): the authority needs no copy of its own, and an account added or removed at run
 * time is served (and revoked) like a configured one. It travels only isolate to object.
 */
export const AccountWire = z.object({
  carrier: z.string().min(1),
  id: z.string().min(1),
  environment: z.enum(['sandbox', 'production']),
  authMethod: z.enum(AUTH_METHOD_KINDS),
  secrets: Strings,
  settings: Strings,
  labels: Strings,
  baseUrls: Strings,
  tokenCallsPerHour: z.number().positive().optional(),
});

const Target = {
  carrier: z.string().min(1),
  account: z.string().min(1),
  /** Absent from isolates of an older deployment: the configuration's account is used. */
  definition: AccountWire.optional(),
};

export const StoredTokenWire = z.object({
  accessToken: z.string(),
  tokenType: z.string(),
  obtainedAt: z.number(),
  expiresAt: z.number(),
  refreshToken: z.string().optional(),
  refreshTokenExpiresAt: z.number().optional(),
  scope: z.string().optional(),
});

export const AuthorityCall = z.discriminatedUnion('op', [
  z.object({ op: z.literal('credential'), ...Target, name: z.string().min(1), options: CallOptions }),
  z.object({
    op: z.literal('rejected'),
    ...Target,
    name: z.string().min(1),
    fingerprint: z.string(),
    options: CallOptions,
  }),
  z.object({ op: z.literal('invalidate'), ...Target }),
  z.object({ op: z.literal('inspect'), ...Target, name: z.string().min(1) }),
  z.object({ op: z.literal('revoke'), ...Target, keepAuthorization: z.boolean() }),
  /** The connect flow's new authorization (the token set travels once, isolate to object). */
  z.object({ op: z.literal('authorize'), ...Target, token: StoredTokenWire }),
]);
export type AuthorityCall = z.input<typeof AuthorityCall>;

/** What inspect answers: the cached credential's dates, never the token. */
export const CredentialInfoWire = z.object({
  fingerprint: z.string(),
  expiresAt: z.number(),
  refreshAt: z.number(),
  hasRefreshToken: z.boolean(),
  unsaved: z.boolean(),
});

export type CredentialInfoWire = z.infer<typeof CredentialInfoWire>;

export const CredentialWire = z.object({
  headers: z.record(z.string(), z.string()),
  fingerprint: z.string(),
  expiresAt: z.number().optional(),
  /** When the authority starts refreshing it: isolates stop reusing it from then on. */
  refreshAt: z.number().optional(),
});
export type CredentialWire = z.infer<typeof CredentialWire>;

export const AuthorityAnswer = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    credential: CredentialWire.optional(),
    info: CredentialInfoWire.optional(),
  }),
  z.object({ ok: z.literal(false), error: CarrierErrorWire }),
]);
export type AuthorityAnswer = z.infer<typeof AuthorityAnswer>;

/** One object per carrier account and environment, the same name from every isolate. */
export function authorityName(account: Pick<ResolvedAccount, 'carrier' | 'environment' | 'id'>): string {
  return `${account.carrier}/${account.environment}/${account.id}`;
}

/** The object is addressed by its id; the URL is only a label for the request. */
export const AUTHORITY_URL = 'https://credential-authority.internal/call';
