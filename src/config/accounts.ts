/**
 * Checks each configured carrier against the registry (carrier id, auth method, credential
 * fields, required settings, host names, fallbacks) and resolves its accounts' secrets.
 */
import type { AuthMethodKind } from '../auth/profile.ts';
import type { CarrierDefinition } from '../carrier/definition.ts';
import type { ResolvedAccount } from './account.ts';
import type { ConfigIssue } from './config-error.ts';
import type { RefResolver } from './env-refs.ts';
import type { AccountConfig, CarrierConfig } from './schema.ts';

const list = (items: readonly string[]): string => (items.length === 0 ? 'none' : items.join(', '));

/** What an account check reads: the method, which credential fields are set, settings and hosts. */
export interface AccountShape {
  auth?: AuthMethodKind | undefined;
  credentials: Readonly<Record<string, unknown>>;
  settings: Readonly<Record<string, string>>;
  baseUrls: Readonly<Record<string, string>>;
}

/**
 * Checks an account against its carrier's profile (method supported, credential fields,
 * required settings, host names); issues name the key under `key`. Returns the method.
 */
export function checkAccount(
  def: CarrierDefinition,
  account: AccountShape,
  key: string,
  issues: ConfigIssue[],
): AuthMethodKind | undefined {
  const method = account.auth ?? def.auth.default;
  const supported = Object.keys(def.auth.methods);
  if (!def.auth.methods[method]) {
    issues.push({
      key: `${key}.auth`,
      message: `carrier ${def.id} does not support auth method ${method} (supported: ${list(supported)})`,
    });
    return undefined;
  }
  for (const field of def.auth.credentialFields[method] ?? []) {
    if (!(field in account.credentials)) {
      issues.push({
        key: `${key}.credentials.${field}`,
        message: `missing credential ${field} required by auth method ${method}`,
      });
    }
  }
  for (const setting of def.requiredSettings) {
    if (!(setting in account.settings)) {
      issues.push({ key: `${key}.settings.${setting}`, message: `missing required setting ${setting}` });
    }
  }
  for (const host of Object.keys(account.baseUrls)) {
    if (!(host in def.hosts)) {
      issues.push({
        key: `${key}.baseUrls.${host}`,
        message: `unknown host name ${host} (the profile has: ${list(Object.keys(def.hosts))})`,
      });
    }
  }
  return method;
}

function resolveAccount(
  def: CarrierDefinition,
  account: AccountConfig,
  method: AuthMethodKind,
  key: string,
  refs: RefResolver,
): ResolvedAccount {
  const secrets: Record<string, string> = {};
  for (const [field, ref] of Object.entries(account.credentials)) {
    const value = refs.resolve(ref, `${key}.credentials.${field}`);
    if (value !== undefined) secrets[field] = value;
  }
  const baseUrls: Record<string, string> = {};
  for (const [host, urls] of Object.entries(def.hosts)) baseUrls[host] = urls[account.environment];
  Object.assign(baseUrls, account.baseUrls);
  return {
    carrier: def.id,
    id: account.id,
    environment: account.environment,
    authMethod: method,
    secrets,
    settings: { ...account.settings },
    labels: { ...account.labels },
    baseUrls,
    tokenCallsPerHour: account.tokenCallsPerHour ?? def.limits.tokenCallsPerHour,
  };
}

export function resolveCarriers(
  carriers: Readonly<Record<string, CarrierConfig>>,
  registry: readonly CarrierDefinition[],
  refs: RefResolver,
): { accounts: ResolvedAccount[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const accounts: ResolvedAccount[] = [];
  const byId = new Map(registry.map((d) => [d.id, d]));
  const known = registry.map((d) => d.id);

  for (const [id, carrier] of Object.entries(carriers)) {
    const key = `carriers.${id}`;
    const def = byId.get(id);
    if (!def) {
      issues.push({ key, message: `unknown carrier ${id} (known carriers: ${list(known)})` });
      continue;
    }
    carrier.fallbacks.forEach((fallback, i) => {
      const at = `${key}.fallbacks[${i}]`;
      if (!byId.has(fallback))
        issues.push({
          key: at,
          message: `unknown fallback carrier ${fallback} (known carriers: ${list(known)})`,
        });
      else if (fallback === id) issues.push({ key: at, message: 'a carrier cannot be its own fallback' });
      else if (!carriers[fallback]?.enabled)
        issues.push({ key: at, message: `fallback carrier ${fallback} is not configured and enabled` });
    });
    const seen = new Set<string>();
    carrier.accounts.forEach((account, i) => {
      const at = `${key}.accounts[${i}]`;
      if (seen.has(account.id))
        issues.push({ key: `${at}.id`, message: `duplicate account id ${account.id}` });
      seen.add(account.id);
      const method = checkAccount(def, account, at, issues);
      // A disabled carrier is checked but not resolved: its variables need not be set.
      if (method && carrier.enabled) accounts.push(resolveAccount(def, account, method, at, refs));
    });
  }
  return { accounts, issues };
}
