/**
 * The last hour of each account, in per-minute buckets: token calls and successes, refresh
 * latencies (counts per latency bucket, so buckets from several instances add up), use-time
 * 401s and failovers away from the account. The dashboard's sparklines are read from here.
 *
 * `HealthSeries` is the port: this memory implementation serves one instance; a shared one
 * (Redis hashes, a Durable Object) can add the same buckets fleet-wide, since every field is
 * a count that sums.
 */
import type { EventBus } from '../events/bus.ts';

/** Upper bounds (ms) of the refresh-latency buckets; a last, unbounded bucket follows. */
export const LATENCY_BOUNDS_MS = [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000] as const;

export const MINUTE_MS = 60_000;
/** How much history is kept per account. */
export const SERIES_RETENTION_MS = 60 * MINUTE_MS;

export interface SeriesBucket {
  /** Start of the minute (epoch ms). */
  at: number;
  tokenCalls: number;
  tokenSuccesses: number;
  /** Successful token calls per latency bucket: LATENCY_BOUNDS_MS.length + 1 counts. */
  refreshLatency: number[];
  unauthorized: number;
  failovers: number;
}

/** What one event adds to the current minute's bucket. */
export type SeriesDelta = Partial<Omit<SeriesBucket, 'at' | 'refreshLatency'>> & {
  refreshLatencyMs?: number | undefined;
};

export interface HealthSeries {
  record(carrier: string, account: string, at: number, delta: SeriesDelta): void;
  /** Buckets of the minutes since `sinceMs` that saw anything, oldest first. */
  read(carrier: string, account: string, sinceMs: number): SeriesBucket[];
}

export const minuteOf = (at: number): number => Math.floor(at / MINUTE_MS) * MINUTE_MS;

export function latencyBucketOf(ms: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return i < 0 ? LATENCY_BOUNDS_MS.length : i;
}

/** A quantile of a bucketed latency distribution, interpolated inside its bucket; undefined when empty. */
export function latencyQuantile(counts: readonly number[], q: number): number | undefined {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : (LATENCY_BOUNDS_MS[i - 1] ?? 0);
      // The unbounded bucket reports its lower bound: all that is known.
      const upper = LATENCY_BOUNDS_MS[i] ?? lower;
      return lower + (upper - lower) * Math.min(1, Math.max(0, (rank - seen) / n));
    }
    seen += n;
  }
  return LATENCY_BOUNDS_MS.at(-1);
}

const emptyBucket = (at: number): SeriesBucket => ({
  at,
  tokenCalls: 0,
  tokenSuccesses: 0,
  refreshLatency: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
  unauthorized: 0,
  failovers: 0,
});

export function createMemorySeries(retentionMs: number = SERIES_RETENTION_MS): HealthSeries {
  const accounts = new Map<string, Map<number, SeriesBucket>>();
  const keyOf = (carrier: string, account: string) => `${carrier}\u0000${account}`;
  return {
    record(carrier, account, at, delta) {
      const key = keyOf(carrier, account);
      let minutes = accounts.get(key);
      if (minutes === undefined) {
        minutes = new Map();
        accounts.set(key, minutes);
      }
      const minute = minuteOf(at);
      let bucket = minutes.get(minute);
      if (bucket === undefined) {
        bucket = emptyBucket(minute);
        minutes.set(minute, bucket);
        // A new minute: the ones past retention go (at most one hour's worth is ever kept).
        for (const old of minutes.keys()) if (old < minute - retentionMs) minutes.delete(old);
      }
      bucket.tokenCalls += delta.tokenCalls ?? 0;
      bucket.tokenSuccesses += delta.tokenSuccesses ?? 0;
      bucket.unauthorized += delta.unauthorized ?? 0;
      bucket.failovers += delta.failovers ?? 0;
      if (delta.refreshLatencyMs !== undefined) {
        const i = latencyBucketOf(delta.refreshLatencyMs);
        bucket.refreshLatency[i] = (bucket.refreshLatency[i] ?? 0) + 1;
      }
    },
    read(carrier, account, sinceMs) {
      const minutes = accounts.get(keyOf(carrier, account));
      if (minutes === undefined) return [];
      const from = minuteOf(sinceMs);
      return [...minutes.values()]
        .filter((b) => b.at >= from)
        .sort((a, b) => a.at - b.at)
        .map((b) => ({ ...b, refreshLatency: [...b.refreshLatency] }));
    },
  };
}

/**
 * Feeds `series` from the event stream, on the health clock: token calls (live and probe,
 * as the health score counts them), first-send 401s, and failovers away from an account.
 */
export function feedSeries(bus: EventBus, series: HealthSeries, now: () => number): () => void {
  return bus.subscribe((event) => {
    switch (event.type) {
      case 'token.call': {
        const ok = event.outcome === 'success';
        series.record(event.carrier, event.account, now(), {
          tokenCalls: 1,
          tokenSuccesses: ok ? 1 : 0,
          ...(ok && event.reason !== 'quota' ? { refreshLatencyMs: event.durationMs } : {}),
        });
        return;
      }
      case 'exchange':
        if (event.status === 401 && event.resendCount === 0)
          series.record(event.carrier, event.account, now(), { unauthorized: 1 });
        return;
      case 'routed':
        for (const r of event.routing) {
          if (!r.failedOver) continue;
          // The account the request failed over from: the first attempt that did not serve.
          const from = r.attempts.find((a) => a.outcome !== 'success' && a.carrier === r.requested);
          if (from?.account) series.record(from.carrier, from.account, now(), { failovers: 1 });
        }
        return;
      default:
        return;
    }
  });
}
