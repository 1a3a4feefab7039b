/**
 * Sandbox mode, what `npm start` runs when no carrier is configured: every carrier simulator
 * on loopback (with a login and consent page in front of the authorize endpoints), the
 * gateway's accounts pointing at them, one account per carrier that offers the
 * authorization-code flow to try the connect flow on, and a caller key and an admin key.
 */
import { carriers as registry } from '../carriers/index.ts';
import type { AuthMethodKind } from '../src/auth/profile.ts';
import type { CarrierDefinition } from '../src/carrier/definition.ts';
import type { ResolvedAccount } from '../src/config/account.ts';
import { SANDBOX_FALLBACKS } from './fallbacks.ts';
import { sandboxAccount } from './gateway-accounts.ts';
import type { SimAccount } from './kit/types.ts';
import { type Sandbox, startSandbox } from './server.ts';

/** The id of the authorization-code account sandbox mode adds to each carrier that has the flow. */
export const CONNECT_ACCOUNT_ID = 'pkce';

export interface SandboxModeOptions {
  /** The simulators' port (default: an ephemeral one). */
  port?: number;
  /** Configured keys are used as they are; without any, sandbox mode makes one of each. */
  apiKeys?: readonly string[];
  adminKeys?: readonly string[];
}

export interface SandboxMode {
  sandbox: Sandbox;
  accounts: ResolvedAccount[];
  apiKeys: string[];
  adminKeys: string[];
  /** The keys sandbox mode made (absent when the configuration gave them): the banner prints these. */
  generated: { apiKey?: string; adminKey?: string };
  /** The accounts that use the authorization-code flow (carrier and account ids). */
  connectAccounts: { carrier: string; account: string }[];
  fallbacks: Readonly<Record<string, readonly string[]>>;
  close(): Promise<void>;
}

const randomKey = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll('-', '')}`;

/**
 * The auth method a simulator account's secrets are for: the carrier's default when they fill
 * its credential fields, else the first method they fill. (A Colissimo account holding an API
 * key and no contract number is an api_key account; sent as a contract account it would be
 * refused with code 30000 by every probe.)
 */
export function authMethodFor(carrier: CarrierDefinition, account: SimAccount): AuthMethodKind {
  const fills = (method: AuthMethodKind) =>
    (carrier.auth.credentialFields[method] ?? []).every((field) => (account.secrets[field] ?? '') !== '');
  const methods = Object.keys(carrier.auth.methods) as AuthMethodKind[];
  const method = [carrier.auth.default, ...methods.filter((m) => m !== carrier.auth.default)].find(fills);
  if (method === undefined) {
    throw new Error(
      `sandbox account ${carrier.id}/${account.id} has the credentials of none of ${carrier.id}'s auth methods`,
    );
  }
  return method;
}

/**
 * An authorization-code account in the carrier's simulator, already connected once (its
 * refresh token is issued now, as after an operator's first consent), so it is healthy from
 * the start and the connect flow can be run on it at any time.
 */
function connectAccount(sandbox: Sandbox, carrier: CarrierDefinition): ResolvedAccount {
  const sim = sandbox.context(carrier.id);
  const template = sim.accounts.all()[0];
  const account: SimAccount = {
    id: CONNECT_ACCOUNT_ID,
    secrets: { clientId: `${carrier.id}-pkce-client`, clientSecret: `${carrier.id}-pkce-secret` },
    settings: { ...(template?.settings ?? {}) },
  };
  sim.accounts.register(account);
  const { refreshToken = '' } = sim.tokens.issue(account, { withRefresh: true });
  return {
    ...sandboxAccount(
      carrier,
      { ...account, secrets: { ...account.secrets, refreshToken } },
      sandbox.baseUrl(carrier.id),
    ),
    authMethod: 'authorization_code',
  };
}

export async function startSandboxMode(options: SandboxModeOptions = {}): Promise<SandboxMode> {
  const carriers = registry;
  const sandbox = await startSandbox({ port: options.port ?? 0, consentPage: true });
  const accounts = carriers.flatMap((c) =>
    sandbox
      .accounts(c.id)
      .map((a) => ({ ...sandboxAccount(c, a, sandbox.baseUrl(c.id)), authMethod: authMethodFor(c, a) })),
  );
  const withConnect = carriers.filter(
    (c) => c.auth.methods.authorization_code?.kind === 'authorization_code',
  );
  accounts.push(...withConnect.map((c) => connectAccount(sandbox, c)));

  const generated: SandboxMode['generated'] = {
    ...(options.apiKeys?.length ? {} : { apiKey: randomKey('sk_sandbox') }),
    ...(options.adminKeys?.length ? {} : { adminKey: randomKey('sk_admin_sandbox') }),
  };
  const apiKeys = generated.apiKey ? [generated.apiKey] : [...(options.apiKeys ?? [])];
  const adminKeys = generated.adminKey ? [generated.adminKey] : [...(options.adminKeys ?? [])];

  return {
    sandbox,
    accounts,
    apiKeys,
    adminKeys,
    generated,
    connectAccounts: withConnect.map((c) => ({ carrier: c.id, account: CONNECT_ACCOUNT_ID })),
    fallbacks: SANDBOX_FALLBACKS,
    close: () => sandbox.close(),
  };
}
