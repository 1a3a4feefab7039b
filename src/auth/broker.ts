/**
 * The credential broker: one interface over every carrier auth strategy. It knows carriers
 * only through their CarrierAuthProfile and never logs or throws a secret.
 */
import type { ResolvedAccount } from '../config/account.ts';
import type { ControlStore } from '../control/types.ts';
import { type EventSink, silentEvents } from '../events/bus.ts';
import type { UpstreamTransport } from '../upstream/transport.ts';
import { isOwnAuthError, misconfigured } from './auth-error.ts';
import { createBackoff } from './backoff.ts';
import { cacheKey, fingerprint, keyPartsOf } from './cache-key.ts';
import type { RefreshCoordinator } from './coordination.ts';
import { type Logger, silentLogger } from './log.ts';
import { derivedSpec, type ResolvedMethod, resolveMethod, scopeOf } from './method.ts';
import type { AuthorizationCodeAuth, CarrierAuthProfile } from './profile.ts';
import { createMemoryTokenQuota, type TokenQuota } from './quota.ts';
import { writeTombstone } from './store-writer.ts';
import { obtainDerivedWithPrimary } from './strategies/derived.ts';
import { MissingSettingError } from './strategies/oauth-token.ts';
import { staticHeaders } from './strategies/static.ts';
import type { TokenStrategy } from './strategies/strategy.ts';
import { type TokenHttp, tokenTransport } from './strategies/token-http.ts';
import { type CachedToken, createTokenCache, type TokenSource } from './token-cache.ts';
import type {
  Credential,
  CredentialBroker,
  CredentialRequestOptions,
  StoredToken,
  TokenStore,
} from './types.ts';

export type { RefreshCoordinator, SharedLock } from './coordination.ts';
export type { Logger } from './log.ts';

/** Default timeout of one token-endpoint call. */
export const DEFAULT_TOKEN_CALL_TIMEOUT_MS = 10_000;
/**
 * After a store loss, how long rotating refresh tokens wait for the other instances to write
 * back what they hold (each reconnects within its 2 s retry interval) before anyone refreshes.
 */
export const RESTORE_GRACE_MS = 3_000;
/** Refresh tokens are kept alive when this close to their own expiry (at most 20% of their life). */
export const REFRESH_TOKEN_KEEPALIVE_MARGIN_MS = 2 * 24 * 3600 * 1000;

export interface CredentialBrokerOptions {
  store: TokenStore;
  profileOf(carrier: string): CarrierAuthProfile;
  /** How token calls are sent (the runtime's transport); else `fetch`, else the global fetch. */
  transport?: UpstreamTransport;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  tokenCallTimeoutMs?: number;
  /** Where token calls, cache hits, waits and stores are reported (ids only, never secrets). */
  events?: EventSink;
  /** 'probe' for a synthetic probe's own broker (default 'live'). */
  eventSource?: 'live' | 'probe';
  logger?: Logger;
  /**
   * Set when several instances share the store (Redis): one refresh fleet-wide, under a lock
   * whose lease (`lockTtlMs`, default: the token call timeout + 5 s) is renewed while it works.
   */
  coordinator?: RefreshCoordinator;
  lockTtlMs?: number;
  /** The accounts' hourly token-call allowance (shared by the fleet and its probes when shared). */
  quota?: TokenQuota;
  /** Where cooldowns after failed token calls are shared with the other instances. */
  cooldowns?: ControlStore;
}

/** What a health page or a test may see of a cached credential: never the token. */
export interface CredentialInfo {
  fingerprint: string;
  expiresAt: number;
  refreshAt: number;
  hasRefreshToken: boolean;
  /** True while the newest token is only in memory because the store failed. */
  unsaved: boolean;
}

/** Which accounts a fleet-wide revocation names: one account, one carrier, or all (empty). */
export interface AccountScope {
  carrier?: string | undefined;
  account?: string | undefined;
}

export interface Broker extends CredentialBroker {
  /** Forgets the scope's tokens and cooldowns in this instance only (another revoked them). */
  forget(scope: AccountScope): void;
  /**
   * Revokes every token of the account where it is kept (the shared store): tombstones that
   * no refresh in flight can write over. `keepAuthorization` keeps the refresh token.
   */
  revoke(account: ResolvedAccount, options: { keepAuthorization: boolean }): Promise<void>;
  /** Stores a token set obtained by the connect flow (authorization code), through CAS. */
  storeAuthorization(account: ResolvedAccount, token: StoredToken): Promise<void>;
  /**
   * Writes back the tokens this instance holds where the shared store lost them (the store-loss
   * protocol; it also runs by itself on a reconnection or a change of primary); how many.
   */
  restore(): Promise<number>;
  /** Refreshes idle refresh tokens close to their own expiry; returns how many were refreshed. */
  keepAlive(): Promise<number>;
  /** The cached credential's metadata, without fetching. */
  inspect(account: ResolvedAccount, name?: string): Promise<CredentialInfo | undefined>;
}

/**
 * The class of one broker's primary token sources: a class, so 100,000 accounts hold no
 * closure and context each. An instance keeps only what differs per account (its key, its
 * account, its strategy); the name, the broker's HTTP and what follows from the strategy or
 * the account are read through the prototype (48 bytes per account instead of 80).
 */
function strategySourceClass(http: TokenHttp) {
  return class StrategySource implements TokenSource {
    readonly key: string;
    readonly account: ResolvedAccount;
    readonly #strategy: TokenStrategy;
    constructor(key: string, account: ResolvedAccount, strategy: TokenStrategy) {
      this.key = key;
      this.account = account;
      this.#strategy = strategy;
    }
    get name(): string {
      return 'primary';
    }
    get usesRefreshToken(): boolean {
      return this.#strategy.kind === 'authorization_code';
    }
    /** Secrets are read-only: the same seed for as long as the account object lives. */
    get seedRefreshToken(): string | undefined {
      return this.account.secrets.refreshToken;
    }
    obtain(current: StoredToken | undefined) {
      return this.#strategy.obtain(http, this.account, current);
    }
  };
}

/**
 * A probe's broker keeps tokens of its own: only its token calls (marked 'probe') reach the
 * stream. Its cache hits, waits and stored tokens are not the live credential's, and read as
 * live they would look like tokens replaced long before their lifetime.
 */
function brokerEvents(sink: EventSink, source: 'live' | 'probe'): EventSink {
  if (source === 'live') return sink;
  return { emit: (event) => (event.type === 'token.call' ? sink.emit(event) : undefined) };
}

export function createCredentialBroker(options: CredentialBrokerOptions): Broker {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const timeoutMs = options.tokenCallTimeoutMs ?? DEFAULT_TOKEN_CALL_TIMEOUT_MS;
  const http: TokenHttp = {
    send: tokenTransport(options.transport, options.fetch),
    timeoutMs,
    now,
  };
  const StrategySource = strategySourceClass(http);
  const lockTtlMs = options.lockTtlMs ?? timeoutMs + 5_000;
  const events = brokerEvents(options.events ?? silentEvents, options.eventSource ?? 'live');
  // Long enough for a holder to finish a call, or for a dead holder's lease to run out.
  const waitBudgetMs = options.coordinator === undefined ? 0 : lockTtlMs + timeoutMs;
  const cache = createTokenCache({
    store: options.store,
    now,
    random,
    events,
    eventSource: options.eventSource ?? 'live',
    logger: options.logger ?? silentLogger,
    backoff: createBackoff(options.cooldowns),
    quota: options.quota ?? createMemoryTokenQuota(),
    // A wait for another instance, a call, a race retry and a few store round trips must all fit.
    flightDeadlineMs: waitBudgetMs + timeoutMs * 2 + 5_000,
    coordination:
      options.coordinator === undefined
        ? undefined
        : {
            coordinator: options.coordinator,
            lockTtlMs,
            waitBudgetMs,
            restoring: () => now() < restoringUntil,
          },
  });
  let restoringUntil = 0;

  /**
   * The store-loss protocol: the shared store came back (maybe empty) or failed over (maybe to
   * a replica that missed writes). Every instance writes back the newest tokens it holds, and
   * none refreshes a rotating token meanwhile: a spent refresh token is never replayed.
   */
  async function restore(): Promise<number> {
    restoringUntil = now() + RESTORE_GRACE_MS;
    const restored = await cache.restoreAll();
    // Tokens obtained while the store was away are written too.
    await cache.flushUnsaved();
    events.emit({ type: 'store.restored', part: 'tokens', restored });
    return restored;
  }
  if (options.coordinator) {
    options.coordinator.onConnectionChange?.((up) => {
      if (up) void restore();
    });
    options.coordinator.onPrimaryChange?.(() => void restore());
  }

  function profileFor(account: ResolvedAccount): CarrierAuthProfile {
    try {
      return options.profileOf(account.carrier);
    } catch {
      throw misconfigured(account, 'primary', 'unknown carrier profile');
    }
  }

  /**
   * An account's primary token source, built once per account object (a reloaded account is a
   * new object and gets its own): its store key hashed once, no strategy rebuilt per call.
   */
  const primarySources = new WeakMap<ResolvedAccount, TokenSource>();

  async function primarySource(
    account: ResolvedAccount,
    resolved: ResolvedMethod & { type: 'token' },
  ): Promise<TokenSource> {
    const known = primarySources.get(account);
    if (known !== undefined) return known;
    const key = await cacheKey(keyPartsOf(account, 'primary', scopeOf(resolved.method, account)));
    const source = new StrategySource(key, account, resolved.strategy);
    primarySources.set(account, source);
    return source;
  }

  function tokenHeaders(token: StoredToken): Record<string, string> {
    const type = token.tokenType.toLowerCase() === 'bearer' ? 'Bearer' : token.tokenType;
    return { Authorization: `${type} ${token.accessToken}` };
  }

  const asCredential = (c: CachedToken): Credential => ({
    headers: tokenHeaders(c.token),
    fingerprint: c.fingerprint,
    expiresAt: c.token.expiresAt,
  });

  async function staticCredential(resolved: ResolvedMethod & { type: 'static' }, account: ResolvedAccount) {
    let headers: Record<string, string>;
    try {
      headers = staticHeaders(resolved.method, account);
    } catch (error) {
      if (error instanceof MissingSettingError) throw misconfigured(account, 'primary', error.message);
      throw error;
    }
    const fp = await fingerprint(resolved.method.kind, ...Object.entries(headers).flat());
    return { headers, fingerprint: fp, expiresAt: undefined } satisfies Credential;
  }

  async function primary(account: ResolvedAccount, options?: CredentialRequestOptions): Promise<Credential> {
    const known = primarySources.get(account);
    if (known !== undefined) return asCredential(await cache.get(known, options?.signal, options?.probe));
    const resolved = resolveMethod(profileFor(account), account);
    if (resolved.type === 'static') return staticCredential(resolved, account);
    return asCredential(
      await cache.get(await primarySource(account, resolved), options?.signal, options?.probe),
    );
  }

  /** A derived token's source: it is fetched with the current primary token. */
  async function derivedSource(account: ResolvedAccount, name: string, probe = false) {
    const profile = profileFor(account);
    const spec = derivedSpec(profile, account, name);
    const resolved = resolveMethod(profile, account);
    if (resolved.type === 'static')
      throw misconfigured(account, name, 'a derived credential needs a token-based primary');
    const primarySrc = await primarySource(account, resolved);
    const key = await cacheKey(keyPartsOf(account, name, scopeOf(resolved.method, account)));
    const source: TokenSource = {
      key,
      account,
      name,
      usesRefreshToken: false,
      // No caller signal in here: the flight is shared, and one caller going away must not
      // fail it for the others (it has its own deadline).
      obtain: () =>
        obtainDerivedWithPrimary(http, spec, account, {
          current: () => cache.get(primarySrc, undefined, probe),
          renew: (refused) => cache.rejected(primarySrc, refused, undefined, probe),
        }),
    };
    return { spec, source, primarySrc };
  }

  /** Primary headers plus the derived header: the call needs both. The fingerprint names the pair. */
  function derivedCredential(spec: { header: string }, p: CachedToken, d: CachedToken): Credential {
    return {
      headers: { ...tokenHeaders(p.token), [spec.header]: d.token.accessToken },
      fingerprint: `${p.fingerprint.slice(0, 8)}${d.fingerprint.slice(0, 8)}`,
      expiresAt: Math.min(p.token.expiresAt, d.token.expiresAt),
    };
  }

  async function derived(
    account: ResolvedAccount,
    name: string,
    options?: CredentialRequestOptions,
  ): Promise<Credential> {
    const probe = options?.probe;
    const { spec, source, primarySrc } = await derivedSource(account, name, probe);
    const d = await cache.get(source, options?.signal, probe);
    const p = await cache.get(primarySrc, options?.signal, probe);
    return derivedCredential(spec, p, d);
  }

  async function authCodeSource(
    account: ResolvedAccount,
  ): Promise<{ source: TokenSource; method: AuthorizationCodeAuth }> {
    const resolved = resolveMethod(profileFor(account), account);
    if (resolved.type !== 'token' || resolved.method.kind !== 'authorization_code') {
      throw misconfigured(account, 'primary', 'the account does not use the authorization code method');
    }
    return { source: await primarySource(account, resolved), method: resolved.method };
  }

  return {
    restore,

    async credential(account, name, opts) {
      return name === 'primary' ? primary(account, opts) : derived(account, name, opts);
    },

    cached(account, name) {
      if (name !== 'primary') return undefined;
      const source = primarySources.get(account);
      const hit = source === undefined ? undefined : cache.hit(source);
      return hit === undefined ? undefined : asCredential(hit);
    },

    async rejected(account, name, refused, opts) {
      const profile = profileFor(account);
      const resolved = resolveMethod(profile, account);
      if (resolved.type === 'static') {
        throw misconfigured(
          account,
          name,
          'the carrier refused a static credential; nothing can be refreshed',
          'credential_refused',
        );
      }
      if (name === 'primary') {
        return asCredential(
          await cache.rejected(await primarySource(account, resolved), refused, opts?.signal, opts?.probe),
        );
      }
      const probe = opts?.probe;
      const { spec, source, primarySrc } = await derivedSource(account, name, probe);
      const p = await cache.get(primarySrc, opts?.signal, probe);
      const cachedDerived = cache.peek(source.key);
      if (cachedDerived !== undefined && derivedCredential(spec, p, cachedDerived).fingerprint !== refused) {
        // The pair changed since it was refused (someone refreshed): use the current one.
        return derived(account, name, opts);
      }
      // Either token of the pair may be the one refused: renew both, the primary first, so the
      // derived token is obtained again with the new primary token.
      const newPrimary = await cache.rejected(primarySrc, p.fingerprint, opts?.signal, probe);
      const d = await cache.rejected(source, cachedDerived?.fingerprint ?? '', opts?.signal, probe);
      return derivedCredential(spec, newPrimary, d);
    },

    forget(scope) {
      cache.forget(
        (s) =>
          (scope.carrier === undefined || s.account.carrier === scope.carrier) &&
          (scope.account === undefined || s.account.id === scope.account),
      );
    },

    async revoke(account, { keepAuthorization }) {
      const profile = profileFor(account);
      const resolved = resolveMethod(profile, account);
      if (resolved.type === 'static') return;
      const scope = scopeOf(resolved.method, account);
      for (const name of ['primary', ...(profile.derived ?? []).map((d) => d.name)]) {
        await writeTombstone(
          options.store,
          await cacheKey(keyPartsOf(account, name, scope)),
          now(),
          keepAuthorization,
        );
      }
      cache.forget((s) => s.account.carrier === account.carrier && s.account.id === account.id);
    },

    async invalidate(account) {
      await cache.invalidate((s) =>
        account === undefined
          ? true
          : s.account.carrier === account.carrier &&
            s.account.id === account.id &&
            s.account.environment === account.environment,
      );
    },

    async storeAuthorization(account, token) {
      const { source } = await authCodeSource(account);
      await cache.put(source, token);
    },

    keepAlive() {
      return cache.keepAlive((t) =>
        Math.min(
          REFRESH_TOKEN_KEEPALIVE_MARGIN_MS,
          0.2 * Math.max(0, (t.refreshTokenExpiresAt ?? 0) - t.obtainedAt),
        ),
      );
    },

    async inspect(account, name = 'primary') {
      try {
        const profile = profileFor(account);
        const resolved = resolveMethod(profile, account);
        if (resolved.type === 'static') return undefined;
        const key =
          name === 'primary'
            ? (await primarySource(account, resolved)).key
            : (await derivedSource(account, name)).source.key;
        const peeked = cache.peek(key);
        if (peeked === undefined) return undefined;
        return {
          fingerprint: peeked.fingerprint,
          expiresAt: peeked.token.expiresAt,
          refreshAt: peeked.refreshAt,
          hasRefreshToken: peeked.token.refreshToken !== undefined,
          unsaved: peeked.unsaved,
        };
      } catch (error) {
        if (isOwnAuthError(error)) return undefined;
        throw error;
      }
    },
  };
}
