/**
 * The credential and token inventory: which credential each account uses, what tokens are
 * cached and until when, when it was last used, how often refreshed, and which dates are
 * due. Built from names, dates and counts only: never a secret value or a token.
 */
import type { CarrierAuthProfile } from '../../auth/profile.ts';
import type { TokenStore } from '../../auth/types.ts';
import type { ResolvedAccount } from '../../config/account.ts';
import type { Deadline } from '../alerts/rules.ts';
import { DAY_MS } from '../settings.ts';
import { credentialSlots, storedTokens } from './keys.ts';

/** Per-account expiry and rotation policy (configuration `accounts[].rotation`). */
export interface RotationPolicy {
  /** When the credential itself (client secret, API key, password) expires. */
  credentialExpiresAt?: string | undefined;
  lastRotatedAt?: string | undefined;
  rotateEveryDays?: number | undefined;
  /** Overrides the default warning lead time. */
  warnDays?: number | undefined;
}

export interface TokenInventory {
  name: string;
  cached: boolean;
  issuedAt?: string | undefined;
  expiresAt?: string | undefined;
  hasRefreshToken: boolean;
  refreshTokenExpiresAt?: string | undefined;
  scope?: string | undefined;
}

export interface InventoryEntry {
  carrier: string;
  account: string;
  environment: string;
  labels: Record<string, string>;
  /** The auth method (client_credentials, authorization_code, api_key...). */
  kind: string;
  /** Which credential fields are configured (names only). */
  credentialFields: string[];
  tokens: TokenInventory[];
  issuedAt?: string | undefined;
  expiresAt?: string | undefined;
  lastUsedAt?: string | undefined;
  refreshCount: number;
  rotation: {
    credentialExpiresAt?: string | undefined;
    rotationDueAt?: string | undefined;
    /** A deadline (credential, rotation or refresh token) is within the warning lead time or past. */
    due: boolean;
  };
  dormant: boolean;
  idleDays: number;
}

export interface InventoryInputs {
  account: ResolvedAccount;
  profile: CarrierAuthProfile | undefined;
  store: TokenStore;
  rotation?: RotationPolicy | undefined;
  lastUsedAt?: number | undefined;
  /** Dormancy counts from the last use, or from when monitoring started. */
  idleSince: number;
  refreshCount: number;
  now: number;
  warnDays: number;
  dormantDays: number;
}

const iso = (ms: number | undefined) =>
  ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();

export function rotationDeadlines(policy: RotationPolicy | undefined): Deadline[] {
  const out: Deadline[] = [];
  if (policy?.credentialExpiresAt) {
    const at = Date.parse(policy.credentialExpiresAt);
    if (Number.isFinite(at)) out.push({ what: 'credential_expires', at });
  }
  if (policy?.lastRotatedAt && policy.rotateEveryDays !== undefined) {
    const at = Date.parse(policy.lastRotatedAt) + policy.rotateEveryDays * DAY_MS;
    if (Number.isFinite(at)) out.push({ what: 'rotation_due', at });
  }
  return out;
}

export async function inventoryEntry(
  input: InventoryInputs,
): Promise<{ entry: InventoryEntry; deadlines: Deadline[] }> {
  const { account, now } = input;
  const slots = input.profile === undefined ? [] : await credentialSlots(input.profile, account);
  const stored = await storedTokens(input.store, slots);
  const tokens: TokenInventory[] = stored.map(({ slot, token }) => ({
    name: slot.name,
    cached: token !== undefined && token.accessToken !== '' && token.expiresAt > now,
    ...(token && token.accessToken !== ''
      ? { issuedAt: iso(token.obtainedAt), expiresAt: iso(token.expiresAt) }
      : {}),
    hasRefreshToken: token?.refreshToken !== undefined,
    ...(token?.refreshTokenExpiresAt !== undefined
      ? { refreshTokenExpiresAt: iso(token.refreshTokenExpiresAt) }
      : {}),
    ...(token?.scope !== undefined ? { scope: token.scope } : {}),
  }));
  const deadlines = rotationDeadlines(input.rotation);
  for (const { token } of stored) {
    if (token?.refreshToken !== undefined && token.refreshTokenExpiresAt !== undefined)
      deadlines.push({
        what: 'refresh_token_expires',
        at: token.refreshTokenExpiresAt,
        // A refresh token that lives less than the warning lead time (USPS's: 7 days) would
        // warn from the moment it is issued: it warns once half its life passed unrenewed.
        leadMs: Math.max(0, token.refreshTokenExpiresAt - token.obtainedAt) / 2,
      });
  }
  const warnMs = (input.rotation?.warnDays ?? input.warnDays) * DAY_MS;
  const primary = tokens.find((t) => t.name === 'primary');
  const idleMs = Math.max(0, now - (input.lastUsedAt ?? input.idleSince));
  const rotationDue = deadlines.find((d) => d.what === 'rotation_due');
  const credentialExpires = deadlines.find((d) => d.what === 'credential_expires');
  return {
    deadlines,
    entry: {
      carrier: account.carrier,
      account: account.id,
      environment: account.environment,
      labels: { ...account.labels },
      kind: account.authMethod,
      credentialFields: Object.keys(account.secrets).sort(),
      tokens,
      ...(primary?.issuedAt ? { issuedAt: primary.issuedAt } : {}),
      ...(primary?.expiresAt ? { expiresAt: primary.expiresAt } : {}),
      ...(input.lastUsedAt !== undefined ? { lastUsedAt: iso(input.lastUsedAt) } : {}),
      refreshCount: input.refreshCount,
      rotation: {
        ...(credentialExpires ? { credentialExpiresAt: iso(credentialExpires.at) } : {}),
        ...(rotationDue ? { rotationDueAt: iso(rotationDue.at) } : {}),
        due: deadlines.some((d) => d.at - now <= Math.min(warnMs, d.leadMs ?? warnMs)),
      },
      dormant: idleMs >= input.dormantDays * DAY_MS,
      idleDays: Math.floor(idleMs / DAY_MS),
    },
  };
}
