/**
 * Per-account cap on token calls an hour (some carriers allow about 60): the gateway refuses the
 * call itself, as `throttled` with a retry time, before the carrier has to.
 */
export const QUOTA_WINDOW_MS = 3_600_000;

export interface TokenQuota {
  /** Takes one call from the account's hourly allowance; undefined when allowed, else ms to wait. */
  take(accountKey: string, limit: number | undefined, now: number): number | undefined;
  clear(accountKey?: string): void;
}

export function createTokenQuota(): TokenQuota {
  // Start times of the calls in the last hour, oldest first; never longer than the limit.
  const calls = new Map<string, number[]>();
  return {
    take(accountKey, limit, now) {
      if (limit === undefined || !Number.isFinite(limit) || limit <= 0) return undefined;
      const recent = (calls.get(accountKey) ?? []).filter((t) => t > now - QUOTA_WINDOW_MS);
      if (recent.length >= limit) {
        calls.set(accountKey, recent);
        const oldest = recent[0] ?? now;
        return Math.max(1, oldest + QUOTA_WINDOW_MS - now);
      }
      recent.push(now);
      calls.set(accountKey, recent);
      return undefined;
    },
    clear(accountKey) {
      if (accountKey === undefined) calls.clear();
      else calls.delete(accountKey);
    },
  };
}
