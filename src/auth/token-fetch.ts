/**
 * The body of one token flight: re-read the store (adopt a fresher token), respect the hourly
 * quota, call the token endpoint (traced), tell a refresh race from a revocation, and
 * persist the result before anyone is answered (keeping it in memory if the store is down).
 */
import type { CarrierError } from '../domain/failure.ts';
import type { EventSink } from '../events/bus.ts';
import type { TokenCallReason } from '../events/types.ts';
import { traceTokenCall } from '../telemetry/token-refresh.ts';
import { authError, isOwnAuthError, withRetryAfter } from './auth-error.ts';
import type { Backoff } from './backoff.ts';
import { adoptable, type CoordinationSettings, createRefreshCoordination } from './coordination.ts';
import type { Logger } from './log.ts';
import type { TokenQuota } from './quota.ts';
import { writeToken } from './store-writer.ts';

/** The account was revoked while this flight was calling the token endpoint (chaos A13). */
class RevokedDuringFlight extends Error {}

import type { TokenOutcome } from './strategies/oauth-token.ts';
import { storedEvent } from './token-events.ts';
import {
  type CachedToken,
  isUsable,
  logFields,
  remember,
  type Slot,
  type TokenSource,
} from './token-slot.ts';
import type { StoredToken, TokenStore, Versioned } from './types.ts';

export interface TokenFetchDeps {
  store: TokenStore;
  now: () => number;
  random: () => number;
  events: EventSink;
  /** 'probe' for a synthetic probe's own broker: its token calls are not live traffic. */
  eventSource: 'live' | 'probe';
  logger: Logger;
  backoff: Backoff;
  quota: TokenQuota;
  /** Bounds a whole flight (store reads, token call, one race retry, store write). */
  flightDeadlineMs: number;
  /** Set when several instances share the store: one refresh for all of them. */
  coordination?: CoordinationSettings | undefined;
}

export function quotaKey(source: TokenSource): string {
  const a = source.account;
  return `${a.carrier}/${a.environment}/${a.id}`;
}

/**
 * What an instance remembers of a configured seed refresh token it saw superseded (a token or
 * a tombstone was stored for its key): the seed may be spent. Kept through a revocation and a
 * store that came back empty, so the seed is never presented again while this process lives.
 */
export interface SpentSeeds {
  mark(source: TokenSource): void;
  spent(source: TokenSource): boolean;
}

export function createSpentSeeds(): SpentSeeds {
  const seeds = new Map<string, string>();
  return {
    mark(source) {
      if (source.usesRefreshToken && source.seedRefreshToken) seeds.set(source.key, source.seedRefreshToken);
    },
    // A new seed configured since (after a re-authorization) is the account's authorization again.
    spent: (source) =>
      source.seedRefreshToken !== undefined && seeds.get(source.key) === source.seedRefreshToken,
  };
}

/** Stands for "no refresh token": the account must be connected again. */
const SPENT_SEED: StoredToken = { accessToken: '', tokenType: 'Bearer', obtainedAt: 0, expiresAt: 0 };

export function createTokenFetcher(
  deps: TokenFetchDeps,
  slots: () => Iterable<Slot>,
  seeds: SpentSeeds = createSpentSeeds(),
) {
  const { store, now, random, events, logger, backoff, quota } = deps;
  const coordination =
    deps.coordination === undefined
      ? undefined
      : createRefreshCoordination({ settings: deps.coordination, store, now, random, logger });

  async function readStore(slot: Slot): Promise<Versioned<StoredToken> | undefined> {
    try {
      return await store.get(slot.source.key);
    } catch {
      logger.warn('token store read failed; using the in-memory token', logFields(slot.source));
      return slot.token === undefined ? undefined : { value: slot.token, version: slot.version };
    }
  }

  /** Writes an unsaved token (chaos A9). True when the store now holds it (or something newer). */
  async function flush(slot: Slot): Promise<boolean> {
    if (!slot.unsaved || slot.token === undefined) return true;
    const result = await writeToken(store, slot.source.key, slot.version, slot.token, now(), () => {});
    if (result.kind === 'failed') return false;
    if (result.kind === 'revoked') {
      // Revoked while it waited to be written: it must never be stored or served.
      slot.token = undefined;
      slot.fingerprint = undefined;
      slot.unsaved = false;
      return true;
    }
    if (result.kind === 'stored') {
      slot.version = result.version;
      slot.unsaved = false;
      events.emit(storedEvent(slot.source, slot.token.expiresAt));
    } else {
      await remember(slot, result.current.value, result.current.version, false, random);
    }
    return true;
  }

  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  function scheduleFlush(delayMs = 1_000): void {
    if (flushTimer !== undefined) return;
    flushTimer = setTimeout(async () => {
      flushTimer = undefined;
      let pending = false;
      for (const slot of slots()) if (!(await flush(slot))) pending = true;
      if (pending) scheduleFlush(Math.min(delayMs * 2, 30_000));
    }, delayMs);
    // A Node timer must not keep the process alive for this; Workers timers have no unref.
    (flushTimer as { unref?: () => void }).unref?.();
  }

  function report(
    source: TokenSource,
    reason: TokenCallReason,
    startedAt: number,
    error?: CarrierError,
  ): void {
    events.emit({
      type: 'token.call',
      carrier: source.account.carrier,
      account: source.account.id,
      name: source.name,
      reason,
      outcome: error === undefined ? 'success' : 'failure',
      failureClass: error?.failureClass,
      durationMs: Math.max(0, now() - startedAt),
      source: deps.eventSource,
    });
  }

  async function fail(source: TokenSource, error: CarrierError): Promise<CarrierError> {
    if (isOwnAuthError(error)) {
      await backoff.failure(source.key, error, now(), random());
      logger.warn('token call failed', {
        ...logFields(source),
        failureClass: error.failureClass,
        code: error.code,
        status: error.status,
      });
    }
    return error;
  }

  /** One token call, traced as an `auth.token.refresh` span. */
  async function call(source: TokenSource, current: StoredToken | undefined): Promise<StoredToken> {
    return traceTokenCall(source.account, async () => {
      let outcome: TokenOutcome;
      try {
        outcome = await source.obtain(current);
      } catch (error) {
        if (isOwnAuthError(error)) throw error;
        // Strategies throw only for missing settings; never echo anything else.
        const reason =
          error instanceof Error && error.name === 'MissingSettingError' ? error.message : 'unexpected error';
        throw authError(source.account, source.name, { failureClass: 'misconfigured', reason });
      }
      if (!outcome.ok) {
        const f = outcome.failure;
        // invalid_grant on a password or client grant: the user's credentials are wrong.
        const failureClass =
          f.code === 'invalid_grant' && !source.usesRefreshToken ? 'misconfigured' : f.failureClass;
        throw authError(source.account, source.name, f, { failureClass });
      }
      return outcome.token;
    });
  }

  const isInvalidGrant = (e: unknown) =>
    isOwnAuthError(e) && (e.code === 'invalid_grant' || e.failureClass === 'revoked');

  async function persist(
    slot: Slot,
    base: Versioned<StoredToken> | undefined,
    token: StoredToken,
  ): Promise<CachedToken> {
    const { source } = slot;
    // The carrier answered with a token: whatever happens to it next, the seed is superseded.
    seeds.mark(source);
    const result = await writeToken(store, source.key, base?.version ?? 0, token, now(), (attempt) =>
      logger.error('token store write failed', { ...logFields(source), attempt }),
    );
    if (result.kind === 'revoked') {
      await keepRotatedAuthorization(source.key, result.current, token);
      throw new RevokedDuringFlight();
    }
    if (result.kind === 'adopt')
      return remember(slot, result.current.value, result.current.version, false, random);
    if (result.kind === 'failed') {
      // Chaos A9: never lose a rotated refresh token; serve it from memory and keep trying.
      logger.error('token store unavailable; keeping the new token in memory', logFields(source));
      const cached = await remember(slot, token, base?.version ?? 0, true, random);
      scheduleFlush();
      return cached;
    }
    const cached = await remember(slot, token, result.version, false, random);
    events.emit(storedEvent(source, token.expiresAt));
    return cached;
  }

  /**
   * The tombstone kept the account's authorization, and the refresh in flight rotated it: the
   * new refresh token replaces the spent one in the tombstone (or the account would have to be
   * re-connected), while the new access token is dropped.
   */
  async function keepRotatedAuthorization(
    key: string,
    tombstone: Versioned<StoredToken>,
    token: StoredToken,
  ): Promise<void> {
    const kept = tombstone.value.refreshToken;
    if (kept === undefined || token.refreshToken === undefined || token.refreshToken === kept) return;
    await store
      .compareAndSet(key, tombstone.version, {
        ...tombstone.value,
        refreshToken: token.refreshToken,
        refreshTokenExpiresAt: token.refreshTokenExpiresAt,
      })
      .catch(() => undefined);
  }

  /**
   * A flight: its body runs again once when the account was revoked while it ran (the result
   * of the first round is never stored nor served); a second revocation fails the flight.
   */
  async function fetchToken(
    slot: Slot,
    reason: TokenCallReason,
    refused?: string,
    probe = false,
  ): Promise<CachedToken> {
    for (let round = 0; ; round += 1) {
      try {
        return await fetchOnce(slot, reason, refused, probe);
      } catch (error) {
        if (!(error instanceof RevokedDuringFlight)) throw error;
        logger.warn('account revoked during a refresh: its result is dropped', logFields(slot.source));
        slot.token = undefined;
        slot.fingerprint = undefined;
        if (round >= 1) {
          throw authError(slot.source.account, slot.source.name, {
            failureClass: 'unavailable',
            code: 'revoked_during_refresh',
            reason: 'the account was revoked while its token was being refreshed; try again',
          });
        }
      }
    }
  }

  /** The body of a flight: re-read, maybe adopt, else call the token endpoint and persist. */
  async function fetchOnce(
    slot: Slot,
    reason: TokenCallReason,
    refused: string | undefined,
    probe: boolean,
  ): Promise<CachedToken> {
    const flushed = await flush(slot);
    const read = flushed
      ? await readStore(slot)
      : { value: slot.token as StoredToken, version: slot.version };
    // The store lost the key but this instance holds a refresh token: never fall back to an
    // older one (the configured seed may have been spent long ago).
    let stored =
      read === undefined && slot.token?.refreshToken !== undefined ? { value: slot.token, version: 0 } : read;
    if (stored !== undefined) seeds.mark(slot.source);
    // Nothing stored, but this instance saw the seed superseded: it is not presented again.
    else if (seeds.spent(slot.source)) stored = { value: SPENT_SEED, version: 0 };
    if (stored !== undefined && (await adoptable(slot, stored.value, reason, refused, now())))
      return remember(slot, stored.value, stored.version, false, random);
    if (coordination === undefined) return callAndPersist(slot, reason, stored, probe);
    // A key this instance had stored in the shared store is gone (the store lost it): the token
    // written now is its lineage written back, even when it beats the store-loss write-back.
    const lost = flushed && read === undefined && slot.version > 0;
    const persist = async (from: Versioned<StoredToken> | undefined) => {
      const cached = await callAndPersist(slot, reason, from, probe);
      if (lost) events.emit({ type: 'store.restored', part: 'tokens', restored: 1 });
      return cached;
    };
    // Several instances: one takes the refresh lock, the others wait for its token (coordination.ts).
    const entry = await coordination.enter(slot, reason, refused, stored);
    if (entry.kind === 'adopted') return entry.cached;
    if (entry.kind === 'local') return persist(stored);
    try {
      return await persist(entry.stored);
    } finally {
      // Released only once the new token is persisted (chaos A8: never answer before storing).
      await entry.release();
    }
  }

  /** Quota, then the token call and its persistence (with the refresh-race recovery). */
  async function callAndPersist(
    slot: Slot,
    reason: TokenCallReason,
    stored: Versioned<StoredToken> | undefined,
    probe: boolean,
  ): Promise<CachedToken> {
    const { source } = slot;
    // Another instance may have failed and cooled this key down: its cooldown holds here too.
    await backoff.refresh(source.key, now());
    const cooling = backoff.active(source.key, now(), probe);
    if (cooling !== undefined) throw withRetryAfter(cooling.error, cooling.until - now());
    const at = now();
    const wait = await quota.take(quotaKey(source), source.account.tokenCallsPerHour, at);
    if (wait !== undefined) {
      const error = authError(
        source.account,
        source.name,
        { failureClass: 'throttled', code: 'token_quota', reason: 'hourly token-call allowance spent' },
        { retryAfterMs: wait, localRefusal: true },
      );
      report(source, 'quota', at, error);
      throw await fail(source, error);
    }
    slot.lastFetchAt = at;
    try {
      const token = await call(source, stored?.value);
      const cached = await persist(slot, stored, token);
      backoff.success(source.key);
      report(source, reason, at);
      return cached;
    } catch (error) {
      if (!source.usesRefreshToken || !isInvalidGrant(error)) {
        if (isOwnAuthError(error)) report(source, reason, at, error);
        throw await fail(source, error as CarrierError);
      }
      return afterInvalidGrant(slot, reason, stored, at, error as CarrierError);
    }
  }

  /**
   * invalid_grant on a refresh: if the stored refresh token changed meanwhile, another writer
   * won a race (`refresh_race`): adopt its token, or retry once with its refresh token.
   * Otherwise the grant is really dead (`revoked`).
   */
  async function afterInvalidGrant(
    slot: Slot,
    reason: TokenCallReason,
    used: Versioned<StoredToken> | undefined,
    startedAt: number,
    error: CarrierError,
  ): Promise<CachedToken> {
    const { source } = slot;
    const usedRefresh = used?.value.refreshToken ?? source.seedRefreshToken;
    const latest = await readStore(slot);
    const latestRefresh = latest?.value.refreshToken;
    if (latest === undefined || latestRefresh === undefined || latestRefresh === usedRefresh) {
      const revoked = authError(
        source.account,
        source.name,
        {
          failureClass: 'revoked',
          code: error.code,
          status: error.status,
          reason: 'refresh token refused; re-authorization required',
        },
        { failureClass: 'revoked' },
      );
      report(source, reason, startedAt, revoked);
      throw await fail(source, revoked);
    }
    const race = authError(source.account, source.name, {
      failureClass: 'refresh_race',
      code: error.code,
      status: error.status,
      reason: 'refresh token was rotated by another writer',
    });
    report(source, reason, startedAt, race);
    logger.info('refresh race: adopting the stored refresh token', logFields(source));
    if (isUsable(latest.value, now())) return remember(slot, latest.value, latest.version, false, random);
    const retryAt = now();
    try {
      const token = await call(source, latest.value);
      const cached = await persist(slot, latest, token);
      backoff.success(source.key);
      report(source, reason, retryAt);
      return cached;
    } catch (retryError) {
      const e = retryError as CarrierError;
      const final = isInvalidGrant(e)
        ? authError(source.account, source.name, {
            failureClass: 'revoked',
            code: e.code,
            status: e.status,
            reason: 'refresh token refused; re-authorization required',
          })
        : e;
      if (isOwnAuthError(final)) report(source, reason, retryAt, final);
      throw await fail(source, final);
    }
  }

  /** Writes every unsaved token now (the shared store is back). */
  async function flushAll(): Promise<void> {
    for (const slot of slots()) await flush(slot).catch(() => false);
  }

  return { fetchToken, flush, flushAll };
}
