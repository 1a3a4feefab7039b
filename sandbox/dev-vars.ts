/**
 * A `.dev.vars` for `wrangler dev` that points the Worker at running simulators: a caller key,
 * the simulators' sandbox credentials as the secrets the configuration references, and a
 * GATEWAY_CONFIG with one account per carrier (its first sandbox account) whose hosts are the
 * simulator. wrangler dev reads `.dev.vars` over wrangler.toml's [vars].
 */
import { carriers as registry } from '../carriers/index.ts';
import { SANDBOX_FALLBACKS } from './fallbacks.ts';
import { authMethodFor } from './mode.ts';
import type { Sandbox } from './server.ts';

const varName = (...parts: string[]) =>
  parts
    .join('_')
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_');

/** dotenv: plain values as they are, others in single quotes (literal; none here holds one). */
const dotenvValue = (value: string): string => {
  if (/^[A-Za-z0-9_.-]*$/.test(value)) return value;
  if (value.includes("'") || value.includes('\n')) throw new Error('a .dev.vars value cannot be quoted');
  return `'${value}'`;
};

export function workerDevVars(sandbox: Sandbox): { text: string; apiKey: string } {
  const apiKey = `sk_dev_${crypto.randomUUID().replaceAll('-', '')}`;
  const secrets: Record<string, string> = { GATEWAY_API_KEYS: apiKey };
  const carriers: Record<string, unknown> = {};
  for (const carrier of registry) {
    const account = sandbox.accounts(carrier.id)[0];
    if (account === undefined) continue;
    const credentials: Record<string, { env: string }> = {};
    for (const [field, value] of Object.entries(account.secrets)) {
      const name = varName('SIM', carrier.id, field);
      secrets[name] = value;
      credentials[field] = { env: name };
    }
    carriers[carrier.id] = {
      accounts: [
        {
          id: account.id,
          environment: 'sandbox',
          auth: authMethodFor(carrier, account),
          credentials,
          settings: { ...(account.settings ?? {}) },
          baseUrls: Object.fromEntries(
            Object.keys(carrier.hosts).map((h) => [h, sandbox.baseUrl(carrier.id)]),
          ),
        },
      ],
      fallbacks: SANDBOX_FALLBACKS[carrier.id] ?? [],
    };
  }
  const config = JSON.stringify({ carriers });
  const lines = [
    '# Written by `npm run simulators -- --dev-vars`: the Worker under `wrangler dev` uses the simulators.',
    ...Object.entries(secrets).map(([name, value]) => `${name}=${dotenvValue(value)}`),
    `GATEWAY_CONFIG=${dotenvValue(config)}`,
  ];
  return { text: `${lines.join('\n')}\n`, apiKey };
}
