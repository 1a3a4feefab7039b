/**
 * The token engine behind the broker, for any source of tokens (a strategy or a derived
 * spec): memory cache in front of the shared store, proactive refresh with jitter and a
 * minimum interval, single-flight, cooldowns, use-time rejection and maintenance. The
 * work of one flight is in token-fetch.ts.
 */
import type { CarrierError } from '../domain/failure.ts';
import type { TokenCallReason } from '../events/types.ts';
import { authError, withRetryAfter } from './auth-error.ts';
import { adoptable } from './coordination.ts';
import { MIN_PROACTIVE_REFRESH_INTERVAL_MS } from './lifetime.ts';
import { createSingleFlight, waitWithSignal } from './single-flight.ts';
import { writeToken, writeTombstone } from './store-writer.ts';
import { storedEvent, useEvent } from './token-events.ts';
import { createSpentSeeds, createTokenFetcher, type TokenFetchDeps } from './token-fetch.ts';
import { type CachedToken, isUsable, remember, type Slot, type TokenSource } from './token-slot.ts';
import type { StoredToken } from './types.ts';

export type { CachedToken, TokenSource } from './token-slot.ts';
export type TokenCacheDeps = TokenFetchDeps;

export function createTokenCache(deps: TokenCacheDeps) {
  const { store, now, random, events, backoff } = deps;
  const slots = new Map<string, Slot>();
  const flights = createSingleFlight<CachedToken>();
  const seeds = createSpentSeeds();
  const fetcher = createTokenFetcher(deps, () => slots.values(), seeds);

  function slotOf(source: TokenSource): Slot {
    let slot = slots.get(source.key);
    if (slot === undefined) {
      // Every field from the start: one object shape, no property array added later per slot.
      slot = {
        source,
        token: undefined,
        fingerprint: undefined,
        version: 0,
        refreshAt: 0,
        lastFetchAt: undefined,
        unsaved: false,
      };
      slots.set(source.key, slot);
    }
    slot.source = source; // the latest account object (a rotated secret is used next time)
    return slot;
  }

  function startFlight(slot: Slot, reason: TokenCallReason, refused?: string, probe = false) {
    return flights.run(slot.source.key, () => fetcher.fetchToken(slot, reason, refused, probe), {
      deadlineMs: deps.flightDeadlineMs,
      onDeadline: () =>
        authError(slot.source.account, slot.source.name, {
          failureClass: 'unavailable',
          code: 'timeout',
          reason: 'token fetch did not finish in time',
        }),
    });
  }

  /**
   * Several instances share the store: while this one cools down after a failure, another may
   * have obtained a good token since (e.g. its breaker probe succeeded). Adopt it then.
   */
  async function storedDuringCooldown(
    slot: Slot,
    reason: TokenCallReason,
    refused?: string,
  ): Promise<CachedToken | undefined> {
    if (deps.coordination === undefined) return undefined;
    const stored = await store.get(slot.source.key).catch(() => undefined);
    if (stored === undefined || !(await adoptable(slot, stored.value, reason, refused, now())))
      return undefined;
    backoff.success(slot.source.key);
    return remember(slot, stored.value, stored.version, false, random);
  }

  /** Forgets the keys matching `match` in this instance only: memory and cooldowns. */
  function forget(match: (source: TokenSource) => boolean): string[] {
    const forgotten: string[] = [];
    for (const [key, slot] of slots) {
      if (!match(slot.source)) continue;
      if (slot.token !== undefined) seeds.mark(slot.source);
      slots.delete(key);
      backoff.clear(key);
      forgotten.push(key);
    }
    return forgotten;
  }

  function cooldownError(slot: Slot, at: number, probe: boolean): CarrierError | undefined {
    const active = backoff.active(slot.source.key, at, probe);
    return active === undefined ? undefined : withRetryAfter(active.error, active.until - at);
  }

  return {
    /**
     * A valid token for the source (cached, adopted from the store, or fetched once for all
     * callers). `probe`: the auth breaker's half-open probe, which the cooldown does not answer.
     */
    async get(source: TokenSource, signal?: AbortSignal, probe = false): Promise<CachedToken> {
      const slot = slotOf(source);
      const at = now();
      if (isUsable(slot.token, at) && slot.fingerprint !== undefined) {
        const cached = { token: slot.token, fingerprint: slot.fingerprint };
        const due = at >= slot.refreshAt;
        const recently =
          slot.lastFetchAt !== undefined && at - slot.lastFetchAt < MIN_PROACTIVE_REFRESH_INTERVAL_MS;
        if (
          due &&
          !recently &&
          flights.current(source.key) === undefined &&
          backoff.active(source.key, at) === undefined
        ) {
          // Callers keep the still-valid token while one background refresh runs.
          startFlight(slot, 'proactive');
        }
        events.emit(useEvent('token.cache_hit', source));
        return cached;
      }
      if (flights.current(source.key) === undefined) {
        const cooling = cooldownError(slot, at, probe);
        if (cooling !== undefined) {
          const adopted = await storedDuringCooldown(slot, slot.token === undefined ? 'initial' : 'expired');
          if (adopted !== undefined) return adopted;
          throw cooling;
        }
      }
      const { promise, joined } = startFlight(
        slot,
        slot.token === undefined ? 'initial' : 'expired',
        undefined,
        probe,
      );
      if (joined) events.emit(useEvent('token.waited', source));
      return waitWithSignal(promise, signal);
    },

    /**
     * The cached token when it is usable and no refresh is due (nothing to start, nothing to
     * wait for), counted as a cache hit; undefined otherwise (then `get`).
     */
    hit(source: TokenSource): CachedToken | undefined {
      const slot = slots.get(source.key);
      if (slot === undefined || slot.source !== source) return undefined;
      const at = now();
      if (!isUsable(slot.token, at) || slot.fingerprint === undefined || at >= slot.refreshAt)
        return undefined;
      events.emit({ ...useEvent('token.cache_hit', source), spanless: true });
      return { token: slot.token, fingerprint: slot.fingerprint };
    },

    /** The carrier refused `refused`: one forced refresh shared by all who saw it refused. */
    async rejected(
      source: TokenSource,
      refused: string,
      signal?: AbortSignal,
      probe = false,
    ): Promise<CachedToken> {
      const slot = slotOf(source);
      for (let round = 0; round < 3; round += 1) {
        const at = now();
        if (isUsable(slot.token, at) && slot.fingerprint !== undefined && slot.fingerprint !== refused) {
          events.emit(useEvent('token.cache_hit', source));
          return { token: slot.token, fingerprint: slot.fingerprint };
        }
        const running = flights.current(source.key);
        if (running !== undefined) {
          // A refresh is already under way: its result may already differ from the refused one.
          events.emit(useEvent('token.waited', source));
          const result = await waitWithSignal(running, signal).catch(() => undefined);
          if (result !== undefined && result.fingerprint !== refused) return result;
          continue;
        }
        const cooling = cooldownError(slot, at, probe);
        if (cooling !== undefined) {
          const adopted = await storedDuringCooldown(slot, 'forced', refused);
          if (adopted !== undefined) return adopted;
          throw cooling;
        }
        const { promise } = startFlight(slot, 'forced', refused, probe);
        return waitWithSignal(promise, signal);
      }
      throw authError(source.account, source.name, {
        failureClass: 'token_expired',
        reason: 'the carrier keeps refusing fresh credentials',
      });
    },

    /** The cached token of a key without fetching (for derived fingerprints and inspection). */
    peek(
      key: string,
    ):
      | { token: StoredToken; fingerprint: string; refreshAt: number; unsaved: boolean; version: number }
      | undefined {
      const slot = slots.get(key);
      if (slot?.token === undefined || slot.fingerprint === undefined) return undefined;
      return {
        token: slot.token,
        fingerprint: slot.fingerprint,
        refreshAt: slot.refreshAt,
        unsaved: slot.unsaved,
        version: slot.version,
      };
    },

    /** Writes a token obtained outside a refresh (the connect flow) through the same CAS path. */
    async put(source: TokenSource, token: StoredToken): Promise<void> {
      const slot = slotOf(source);
      // A new authorization supersedes whatever is stored (never adopted instead of it).
      const current = await store.get(source.key);
      const result = await writeToken(
        store,
        source.key,
        current?.version ?? 0,
        token,
        Number.POSITIVE_INFINITY,
        () => {},
      );
      if (result.kind === 'stored') {
        await remember(slot, token, result.version, false, random);
        events.emit(storedEvent(source, token.expiresAt));
      } else {
        throw authError(source.account, source.name, {
          failureClass: 'unavailable',
          code: 'store_unavailable',
          reason: 'token store write failed',
        });
      }
      backoff.clear(source.key);
    },

    /** Refreshes every refresh token that would otherwise expire while idle (chaos C8). */
    async keepAlive(marginMs: (slotToken: StoredToken) => number): Promise<number> {
      let started = 0;
      const at = now();
      for (const slot of slots.values()) {
        const t = slot.token;
        if (t?.refreshToken === undefined || t.refreshTokenExpiresAt === undefined) continue;
        if (at < t.refreshTokenExpiresAt - marginMs(t) || at >= t.refreshTokenExpiresAt) continue;
        if (flights.current(slot.source.key) !== undefined || backoff.active(slot.source.key, at)) continue;
        started += 1;
        await startFlight(slot, 'proactive').promise.catch(() => undefined);
      }
      return started;
    },

    forget,

    /** Forgets the cooldowns of `keys`, here and in the fleet (their credentials changed). */
    clearCooldowns(keys: readonly string[]): void {
      for (const key of keys) backoff.clear(key);
    },

    /**
     * Forgets the keys matching `match` and revokes their access tokens in the store with a
     * tombstone that keeps the refresh token (it is the account's authorization).
     */
    async invalidate(match: (source: TokenSource) => boolean): Promise<void> {
      for (const key of forget(match)) await writeTombstone(store, key, now(), true).catch(() => false);
    },

    flightsInProgress: () => flights.size(),

    /** Writes back every stored token this instance holds, unless the store has it or newer. */
    async restoreAll(): Promise<number> {
      if (store.restore === undefined) return 0;
      let restored = 0;
      for (const [key, slot] of slots) {
        if (slot.token === undefined || slot.version === 0 || slot.unsaved) continue;
        if (await store.restore(key, slot.version, slot.token).catch(() => false)) restored += 1;
      }
      return restored;
    },

    /** Writes every token kept only in memory while the store was failing (it is back). */
    flushUnsaved: () => fetcher.flushAll(),
  };
}

export type TokenCache = ReturnType<typeof createTokenCache>;
