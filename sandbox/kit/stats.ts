/** Counters of what a carrier simulator saw, for tests to assert on. */
import type { CarrierStatsSnapshot, SimStats, TokenRequestRecord } from './types.ts';

const MAX_TOKEN_REQUESTS = 1000;
/** Parameters that are secrets: never kept, even in the sandbox, so a dump cannot leak them. */
const SECRET_PARAMS = new Set([
  'client_secret',
  'password',
  'refresh_token',
  'code',
  'code_verifier',
  'assertion',
  'client_assertion',
]);

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** The inner record for key, created on first use. */
function inner(map: Record<string, Record<string, number>>, key: string): Record<string, number> {
  const found = map[key];
  if (found) return found;
  const created: Record<string, number> = {};
  map[key] = created;
  return created;
}

export function createStats(clock: () => number): SimStats {
  let tokenCalls: Record<string, number> = {};
  let tokenCallsByGrant: Record<string, Record<string, number>> = {};
  let maxConcurrent: Record<string, number> = {};
  let inFlight: Record<string, number> = {};
  let reuse: Record<string, number> = {};
  let apiCalls: Record<string, Record<string, number>> = {};
  let labelsCreated = 0;
  let labelsByReference: Record<string, number> = {};
  let tokenRequests: TokenRequestRecord[] = [];
  // Resets bump the generation so a done() from before a reset does not corrupt new counts.
  let generation = 0;

  return {
    tokenCall(accountId, grant, params = {}) {
      bump(tokenCalls, accountId);
      bump(inner(tokenCallsByGrant, accountId), grant);
      bump(inFlight, accountId);
      const now = inFlight[accountId] ?? 0;
      if (now > (maxConcurrent[accountId] ?? 0)) maxConcurrent[accountId] = now;
      const kept: Record<string, string> = {};
      for (const [key, value] of Object.entries(params)) {
        if (!SECRET_PARAMS.has(key)) kept[key] = value;
      }
      tokenRequests.push({ account: accountId, grant, params: kept, at: clock() });
      if (tokenRequests.length > MAX_TOKEN_REQUESTS) tokenRequests.shift();
      const myGeneration = generation;
      let finished = false;
      return () => {
        if (finished || myGeneration !== generation) return;
        finished = true;
        bump(inFlight, accountId, -1);
      };
    },
    refreshReuse(accountId) {
      bump(reuse, accountId);
    },
    apiCall(endpoint, status) {
      bump(inner(apiCalls, endpoint), String(status));
    },
    labelCreated(reference) {
      labelsCreated += 1;
      if (reference !== undefined) bump(labelsByReference, reference);
    },
    snapshot(): CarrierStatsSnapshot {
      return structuredClone({
        tokenCalls,
        tokenCallsByGrant,
        maxConcurrentTokenCalls: maxConcurrent,
        refreshTokenReuse: reuse,
        apiCalls,
        labelsCreated,
        labelsByReference,
        tokenRequests,
      });
    },
    reset() {
      generation += 1;
      tokenCalls = {};
      tokenCallsByGrant = {};
      maxConcurrent = {};
      inFlight = {};
      reuse = {};
      apiCalls = {};
      labelsCreated = 0;
      labelsByReference = {};
      tokenRequests = [];
    },
  };
}
