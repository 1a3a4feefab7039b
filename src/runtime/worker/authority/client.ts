/**
 * The credential broker a Worker isolate uses: it asks the account's credential authority
 * (a Durable Object) and keeps the answer, as plain data, until the authority would start
 * refreshing it. No promise is ever shared between requests (Workers cancel a request's
 * continuations when it ends); concurrent misses all go to the authority, which single-flights.
 */
import type { Broker, CredentialInfo } from '../../../auth/broker.ts';
import type { Credential, CredentialRequestOptions } from '../../../auth/types.ts';
import type { ResolvedAccount } from '../../../config/account.ts';
import { carrierErrorFromWire } from '../../../domain/error-wire.ts';
import { CarrierError } from '../../../domain/failure.ts';
import type { DurableObjectNamespace } from '../durable-object.ts';
import {
  AUTHORITY_URL,
  AuthorityAnswer,
  type AuthorityCall,
  authorityName,
  type CredentialInfoWire,
  type CredentialWire,
} from './protocol.ts';

export interface AuthorityBrokerOptions {
  namespace: DurableObjectNamespace;
  /** Every configured account (invalidate() without an account reaches each one's authority). */
  accounts: readonly ResolvedAccount[];
  /** Bounds one call to the authority (it bounds its own token flights below this). */
  callTimeoutMs?: number;
  now?: () => number;
}

/** A static credential (no expiry) is re-read this often, so a rotated secret is picked up. */
const STATIC_REUSE_MS = 60_000;
/** Never reuse a token this close to its expiry: the authority's answer is fresher. */
const EXPIRY_MARGIN_MS = 5_000;
const DEFAULT_CALL_TIMEOUT_MS = 30_000;

interface Kept {
  credential: Credential;
  reuseUntil: number;
}

const keyOf = (a: ResolvedAccount, name: string) =>
  `${a.carrier}\u0000${a.environment}\u0000${a.id}\u0000${name}`;

/** Broker options that may travel to the authority as JSON. */
function portable(options: CredentialRequestOptions | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(options ?? {})) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

export function createAuthorityBroker(options: AuthorityBrokerOptions): Broker {
  const now = options.now ?? Date.now;
  const kept = new Map<string, Kept>();
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;

  function unreachable(account: ResolvedAccount, cause: unknown): CarrierError {
    return new CarrierError({
      carrier: account.carrier,
      account: account.id,
      failureClass: 'unavailable',
      outcome: 'not_sent',
      message: `${account.carrier}/${account.id}: the credential authority did not answer`,
      code: 'credential_authority_unreachable',
      auth: true,
      cause,
    });
  }

  async function call(
    account: ResolvedAccount,
    body: AuthorityCall,
    signal: AbortSignal | undefined,
  ): Promise<{ credential?: CredentialWire | undefined; info?: CredentialInfoWire | undefined }> {
    // A stub is bound to the request that made it: get a fresh one for every call.
    const stub = options.namespace.get(options.namespace.idFromName(authorityName(account)));
    const timeout = AbortSignal.timeout(callTimeoutMs);
    let answer: AuthorityAnswer;
    try {
      const res = await stub.fetch(AUTHORITY_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      answer = AuthorityAnswer.parse(await res.json());
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw unreachable(account, error);
    }
    if (!answer.ok) throw carrierErrorFromWire(answer.error);
    return answer;
  }

  function keep(account: ResolvedAccount, name: string, wire: CredentialWire | undefined): Credential {
    if (wire === undefined) throw unreachable(account, new Error('no credential in the answer'));
    const credential: Credential = {
      headers: wire.headers,
      fingerprint: wire.fingerprint,
      expiresAt: wire.expiresAt,
    };
    const at = now();
    const reuseUntil =
      wire.expiresAt === undefined
        ? at + STATIC_REUSE_MS
        : Math.min(wire.refreshAt ?? wire.expiresAt, wire.expiresAt - EXPIRY_MARGIN_MS);
    if (reuseUntil > at) kept.set(keyOf(account, name), { credential, reuseUntil });
    else kept.delete(keyOf(account, name));
    return credential;
  }

  function drop(account: ResolvedAccount): void {
    for (const key of kept.keys()) if (key.startsWith(keyOf(account, ''))) kept.delete(key);
  }

  const target = (a: ResolvedAccount) => ({
    carrier: a.carrier,
    account: a.id,
    definition: {
      carrier: a.carrier,
      id: a.id,
      environment: a.environment,
      authMethod: a.authMethod,
      secrets: { ...a.secrets },
      settings: { ...a.settings },
      labels: { ...a.labels },
      baseUrls: { ...a.baseUrls },
      ...(a.tokenCallsPerHour !== undefined ? { tokenCallsPerHour: a.tokenCallsPerHour } : {}),
    },
  });

  return {
    async credential(account, name, opts) {
      const hit = kept.get(keyOf(account, name));
      if (hit !== undefined && now() < hit.reuseUntil) return hit.credential;
      const { credential } = await call(
        account,
        { op: 'credential', ...target(account), name, options: portable(opts) },
        opts?.signal,
      );
      return keep(account, name, credential);
    },

    async rejected(account, name, fingerprint, opts) {
      kept.delete(keyOf(account, name));
      const { credential } = await call(
        account,
        { op: 'rejected', ...target(account), name, fingerprint, options: portable(opts) },
        opts?.signal,
      );
      return keep(account, name, credential);
    },

    async invalidate(account) {
      const accounts = account === undefined ? options.accounts : [account];
      for (const a of accounts) drop(a);
      await Promise.all(accounts.map((a) => call(a, { op: 'invalidate', ...target(a) }, undefined)));
    },

    forget(scope) {
      for (const key of kept.keys()) {
        const [carrier, , id] = key.split('\u0000');
        if (
          (scope.carrier === undefined || carrier === scope.carrier) &&
          (scope.account === undefined || id === scope.account)
        )
          kept.delete(key);
      }
    },

    async revoke(account, { keepAuthorization }) {
      drop(account);
      await call(account, { op: 'revoke', ...target(account), keepAuthorization }, undefined);
    },

    async inspect(account, name = 'primary'): Promise<CredentialInfo | undefined> {
      return (await call(account, { op: 'inspect', ...target(account), name }, undefined)).info;
    },

    async storeAuthorization(account, token) {
      drop(account);
      await call(account, { op: 'authorize', ...target(account), token }, undefined);
    },

    // Each account's authority keeps its own refresh token alive (a Durable Object alarm).
    keepAlive: async () => 0,
    // Durable Object storage does not lose what it acknowledged: nothing to write back.
    restore: async () => 0,
  };
}
