/**
 * Baseline: the token cache most integrations start with. A token is cached until it
 * expires; every caller that finds it expired calls the token endpoint itself (no
 * single-flight, no shared store, no proactive refresh). At the moment of expiry under
 * load, this is the stampede the real broker exists to prevent.
 */
import { z } from '@hono/zod-openapi';
import type { ResolvedAccount } from '../../src/config/account.ts';

const TokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive() });

export interface NaiveBrokerOptions {
  fetch?: typeof fetch;
  now?: () => number;
  tokenPath?: string;
}

export interface NaiveBroker {
  credential(account: ResolvedAccount): Promise<{ headers: Record<string, string> }>;
  /** Token-endpoint calls this broker made. */
  readonly tokenCalls: number;
}

export function createNaiveBroker(options: NaiveBrokerOptions = {}): NaiveBroker {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const tokenPath = options.tokenPath ?? '/oauth/token';
  const cache = new Map<string, { accessToken: string; expiresAt: number }>();
  let tokenCalls = 0;

  return {
    get tokenCalls() {
      return tokenCalls;
    },
    async credential(account) {
      const cached = cache.get(account.id);
      if (cached && now() < cached.expiresAt)
        return { headers: { Authorization: `Bearer ${cached.accessToken}` } };
      tokenCalls += 1;
      const basic = btoa(`${account.secrets.clientId}:${account.secrets.clientSecret}`);
      const res = await fetchImpl(`${account.baseUrls.default}${tokenPath}`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      const parsed = TokenAnswer.safeParse(await res.json().catch(() => undefined));
      // Never echo the body: it may hold a token.
      if (!res.ok || !parsed.success) throw new Error(`token endpoint answered ${res.status}`);
      const token = {
        accessToken: parsed.data.access_token,
        expiresAt: now() + parsed.data.expires_in * 1000,
      };
      cache.set(account.id, token);
      return { headers: { Authorization: `Bearer ${token.accessToken}` } };
    },
  };
}
