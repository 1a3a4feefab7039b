/**
 * What the monitor has seen per account: token calls (live and probe), upstream exchanges,
 * token replacements (observed against expected lifetimes) and the last use of each
 * credential. Fed by the event stream (ledger-feed.ts); stamped with the health clock so
 * windows and tests agree.
 */
import type { FailureClass } from '../domain/failure.ts';
import type { TokenCallEvent } from '../events/types.ts';

export type TokenCallSource = 'live' | 'probe';

export interface TokenCallRecord {
  at: number;
  source: TokenCallSource;
  name: string;
  reason: TokenCallEvent['reason'];
  ok: boolean;
  failureClass?: FailureClass | undefined;
  durationMs: number;
}

export interface ExchangeRecord {
  at: number;
  operation: string;
  status?: number | undefined;
  failureClass?: FailureClass | undefined;
  code?: string | undefined;
  retryAfterMs?: number | undefined;
  resendCount: number;
}

/** One token replaced by the next: how long it served against how long it should have. */
export interface LifetimeRecord {
  at: number;
  name: string;
  observedMs: number;
  expectedMs: number;
}

export interface AccountActivity {
  tokenCalls: TokenCallRecord[];
  exchanges: ExchangeRecord[];
  lifetimes: LifetimeRecord[];
  /** Successful live token calls since start. */
  refreshCount: number;
  lastUsedAt?: number | undefined;
  lastTokenAt?: number | undefined;
  /** Slow EWMA of successful token-call latency, and how many samples built it. */
  latencyBaselineMs?: number | undefined;
  latencySamples: number;
}

interface Replacement {
  storedAt: number;
  expiresAt: number;
}

/** Newest records kept per account and kind: bounds memory under any traffic. */
const MAX_RECORDS = 2_000;
/**
 * Lists are cut back to MAX_RECORDS once this many more arrived: one splice per 500 records,
 * not a shift of 2,000 slots on every request. Readers see the newest MAX_RECORDS (`newest`).
 */
const TRIM_BATCH = 500;

/** The records a reader counts: the newest MAX_RECORDS (a list may hold a batch more). */
export function newest<T>(list: readonly T[]): readonly T[] {
  return list.length > MAX_RECORDS ? list.slice(-MAX_RECORDS) : list;
}
const BASELINE_ALPHA = 0.05;

export const accountKey = (carrier: string, account: string): string => `${carrier}\u0000${account}`;

export interface Ledger {
  tokenCall(event: TokenCallEvent): void;
  exchange(carrier: string, account: string, record: Omit<ExchangeRecord, 'at'>): void;
  stored(carrier: string, account: string, name: string, expiresAt: number): void;
  /** A live use of the credential (ignored while a probe reads the live credential). */
  used(carrier: string, account: string): void;
  /** Marks an account as being probed through the live broker (its reads are not uses). */
  probing(carrier: string, account: string, on: boolean): void;
  /** Forget the replacement chain (after an operator dropped tokens: not an early death). */
  tokensDropped(carrier?: string, account?: string): void;
  activity(carrier: string, account: string): AccountActivity;
  /** Drops records older than `retentionMs`. */
  prune(retentionMs: number): void;
}

export function createLedger(now: () => number): Ledger {
  const accounts = new Map<string, AccountActivity>();
  const replacements = new Map<string, Replacement>();
  /** Longest declared lifetime seen per credential: the expectation a shrinking lifetime is measured against. */
  const expected = new Map<string, number>();
  const probing = new Set<string>();

  function get(carrier: string, account: string): AccountActivity {
    const key = accountKey(carrier, account);
    let a = accounts.get(key);
    if (a === undefined) {
      a = { tokenCalls: [], exchanges: [], lifetimes: [], refreshCount: 0, latencySamples: 0 };
      accounts.set(key, a);
    }
    return a;
  }

  const push = <T>(list: T[], item: T) => {
    list.push(item);
    if (list.length >= MAX_RECORDS + TRIM_BATCH) list.splice(0, list.length - MAX_RECORDS);
  };

  return {
    tokenCall(event) {
      const { source } = event;
      const a = get(event.carrier, event.account);
      const at = now();
      const ok = event.outcome === 'success';
      push(a.tokenCalls, {
        at,
        source,
        name: event.name,
        reason: event.reason,
        ok,
        failureClass: event.failureClass,
        durationMs: event.durationMs,
      });
      if (!ok || event.reason === 'quota') return;
      a.latencyBaselineMs =
        a.latencyBaselineMs === undefined
          ? event.durationMs
          : a.latencyBaselineMs + BASELINE_ALPHA * (event.durationMs - a.latencyBaselineMs);
      a.latencySamples += 1;
      if (source === 'live') {
        a.refreshCount += 1;
        a.lastTokenAt = at;
      }
    },

    exchange(carrier, account, record) {
      const a = get(carrier, account);
      const at = now();
      push(a.exchanges, { ...record, at });
      if (record.operation !== 'probe') a.lastUsedAt = at;
    },

    stored(carrier, account, name, expiresAt) {
      const at = now();
      const key = `${accountKey(carrier, account)}\u0000${name}`;
      const declared = Math.max(0, expiresAt - at);
      const longest = Math.max(expected.get(key) ?? 0, declared);
      expected.set(key, longest);
      const previous = replacements.get(key);
      if (previous !== undefined && longest > 0) {
        push(get(carrier, account).lifetimes, {
          at,
          name,
          observedMs: at - previous.storedAt,
          expectedMs: longest,
        });
      }
      replacements.set(key, { storedAt: at, expiresAt });
    },

    used(carrier, account) {
      if (probing.has(accountKey(carrier, account))) return;
      get(carrier, account).lastUsedAt = now();
    },

    probing(carrier, account, on) {
      if (on) probing.add(accountKey(carrier, account));
      else probing.delete(accountKey(carrier, account));
    },

    tokensDropped(carrier, account) {
      const prefix =
        carrier === undefined
          ? ''
          : account === undefined
            ? `${carrier}\u0000`
            : `${accountKey(carrier, account)}\u0000`;
      for (const key of [...replacements.keys()]) if (key.startsWith(prefix)) replacements.delete(key);
    },

    activity: get,

    prune(retentionMs) {
      const cutoff = now() - retentionMs;
      for (const a of accounts.values()) {
        a.tokenCalls = a.tokenCalls.filter((r) => r.at >= cutoff);
        a.exchanges = a.exchanges.filter((r) => r.at >= cutoff);
        a.lifetimes = a.lifetimes.filter((r) => r.at >= cutoff);
      }
    },
  };
}
