import type { AuthMethodKind } from '../auth/profile.ts';
import type { Environment } from '../carrier/definition.ts';

/**
 * One carrier account after configuration is loaded: credential references resolved to
 * values. Held in memory only; never logged (see telemetry/redact.ts).
 */
export interface ResolvedAccount {
  carrier: string;
  id: string;
  environment: Environment;
  authMethod: AuthMethodKind;
  /** Secret values by field name (clientId, clientSecret, password, apiKey, refreshToken...). */
  secrets: Readonly<Record<string, string>>;
  /** Non-secret carrier settings (accountNumber, ...). */
  settings: Readonly<Record<string, string>>;
  /** Operator labels (team, region...). */
  labels: Readonly<Record<string, string>>;
  /** Base URL per profile host name, for this account's environment (or an override). */
  baseUrls: Readonly<Record<string, string>>;
  /** Token calls an hour this account may make (from the profile, overridable). */
  tokenCallsPerHour?: number | undefined;
}
