/**
 * The chaos timeline of a run, drawn from the seed before anything starts: every fault kind
 * the simulators offer (token and API targets), on random carriers, accounts and endpoints, and
 * every process-level action (Redis frozen, restarted with and without its data, a gateway
 * killed with SIGKILL, carrier-side revocation, a refresh-rotation race, revoke and re-connect
 * through the admin API). Each appears at least once, in a shuffled order spread over the chaos
 * phase; more random ones fill the rest at the configured pace.
 */
import {
  API_FAULT_KINDS,
  type ApiFaultKind,
  type FaultParams,
  type FaultSpec,
  TOKEN_FAULT_KINDS,
  type TokenFaultKind,
} from '../../../sandbox/kit/types.ts';
import type { Random } from '../lib/random.ts';
import { CONNECTED_ACCOUNT, CONNECTED_CARRIER } from '../setup/accounts.ts';
import { SLOW_TOKEN_MAX_MS } from '../setup/config.ts';

export const PROCESS_ACTIONS = [
  'redis-freeze',
  'redis-restart-keep',
  'redis-restart-empty',
  'gateway-kill',
  'carrier-revoke',
  'rotation-race',
  'admin-revoke-reconnect',
] as const;
export type ProcessAction = (typeof PROCESS_ACTIONS)[number];

export type ChaosEvent =
  | { at: number; type: 'fault'; spec: FaultSpec }
  | { at: number; type: 'redis-freeze'; durationMs: number }
  | { at: number; type: 'redis-restart-keep' | 'redis-restart-empty'; downMs: number }
  | { at: number; type: 'gateway-kill'; instance: number; downMs: number }
  | { at: number; type: 'carrier-revoke'; carrier: string; account?: string }
  | { at: number; type: 'rotation-race'; durationMs: number }
  | { at: number; type: 'admin-revoke-reconnect'; instance: number; reconnectOn: number; gapMs: number };

export interface PlanOptions {
  /** Offsets from the start of the run, ms. */
  startMs: number;
  endMs: number;
  /** Mean gap between events beyond the one-of-each coverage. */
  meanGapMs: number;
  instances: number;
  /** Fault lifetimes. */
  faultMs: [number, number];
  /** Process actions left out of this run (e.g. ones whose invariants depend on open issues). */
  exclude: readonly ProcessAction[];
  /** The default account of each carrier (fault targets). */
  accounts: Readonly<Record<string, readonly string[]>>;
}

/** Carriers whose credentials come from a token endpoint (token-target faults reach them). */
const TOKEN_CARRIERS = ['ups', 'fedex', 'usps', 'dhl-parcel-de'];
const API_CARRIERS = ['ups', 'fedex', 'usps', 'dhl-express', 'dhl-parcel-de', 'colissimo'];
const API_ENDPOINTS = ['rate', 'label', 'track', undefined];
/** Kinds that matter most where a request creates something: aimed at label purchases mostly. */
const CREATE_KINDS: ReadonlySet<string> = new Set([
  'hang_after_processing',
  'reset_after_processing',
  'reset_before_processing',
]);

function tokenParams(kind: TokenFaultKind, random: Random): FaultParams | undefined {
  switch (kind) {
    case 'throttled':
      return {
        retryAfter: random.int(1, 5),
        retryAfterFormat: random.pick(['seconds', 'date', 'none'] as const),
      };
    case 'server_error':
    case 'html_error':
      return { status: random.pick([500, 502, 503, 504]) };
    case 'slow':
      return { delayMs: random.int(200, SLOW_TOKEN_MAX_MS) };
    case 'short_lifetime':
      return { lifetimeSeconds: random.int(1, 3) };
    default:
      return undefined;
  }
}

function apiParams(kind: ApiFaultKind, random: Random): FaultParams | undefined {
  switch (kind) {
    case 'throttled':
      return { retryAfter: random.int(1, 5) };
    case 'server_error':
    case 'html_error':
      return { status: random.pick([500, 502, 503, 504]) };
    case 'slow':
      return { delayMs: random.int(200, 6_000) };
    default:
      return undefined;
  }
}

function faultEvent(
  at: number,
  target: 'token' | 'api',
  kind: TokenFaultKind | ApiFaultKind,
  random: Random,
  options: PlanOptions,
): ChaosEvent {
  const carrier = random.pick(target === 'token' ? TOKEN_CARRIERS : API_CARRIERS);
  const accounts = options.accounts[carrier] ?? [];
  // Mostly every account of the carrier (the default one carries the traffic), sometimes one.
  const account = accounts.length > 0 && random.chance(0.3) ? random.pick(accounts) : undefined;
  const endpoint =
    target === 'api'
      ? CREATE_KINDS.has(kind) && random.chance(0.7)
        ? 'label'
        : random.pick(API_ENDPOINTS)
      : carrier === CONNECTED_CARRIER && random.chance(0.4)
        ? 'refresh'
        : undefined;
  const params =
    target === 'token'
      ? tokenParams(kind as TokenFaultKind, random)
      : apiParams(kind as ApiFaultKind, random);
  const spec: FaultSpec = {
    carrier,
    target,
    kind,
    durationMs: random.int(options.faultMs[0], options.faultMs[1]),
    probability: random.pick([0.3, 0.5, 1, 1]),
    ...(account ? { account } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(params ? { params } : {}),
  };
  return { at, type: 'fault', spec };
}

function processEvent(at: number, type: ProcessAction, random: Random, options: PlanOptions): ChaosEvent {
  switch (type) {
    case 'redis-freeze':
      return { at, type, durationMs: random.int(2_000, 8_000) };
    case 'redis-restart-keep':
    case 'redis-restart-empty':
      return { at, type, downMs: random.int(500, 3_000) };
    case 'gateway-kill':
      return { at, type, instance: random.int(0, options.instances - 1), downMs: random.int(500, 4_000) };
    case 'carrier-revoke': {
      const carrier = random.pick(TOKEN_CARRIERS);
      const account = carrier === CONNECTED_CARRIER && random.chance(0.5) ? CONNECTED_ACCOUNT : undefined;
      return { at, type, carrier, ...(account ? { account } : {}) };
    }
    case 'rotation-race':
      return { at, type, durationMs: random.int(3_000, 10_000) };
    case 'admin-revoke-reconnect':
      return {
        at,
        type,
        instance: random.int(0, options.instances - 1),
        reconnectOn: random.int(0, options.instances - 1),
        gapMs: random.int(500, 5_000),
      };
  }
}

type Draw =
  | { target: 'token'; kind: TokenFaultKind }
  | { target: 'api'; kind: ApiFaultKind }
  | { process: ProcessAction };

export function planChaos(random: Random, options: PlanOptions): ChaosEvent[] {
  const processes = PROCESS_ACTIONS.filter((a) => !options.exclude.includes(a));
  const draws: Draw[] = [
    ...TOKEN_FAULT_KINDS.map((kind) => ({ target: 'token' as const, kind })),
    ...API_FAULT_KINDS.map((kind) => ({ target: 'api' as const, kind })),
    ...processes.map((process) => ({ process })),
  ];
  const span = options.endMs - options.startMs;
  const extra = Math.max(0, Math.floor(span / options.meanGapMs) - draws.length);
  for (let i = 0; i < extra; i++) {
    // Faults three times as often as process actions.
    if (processes.length > 0 && random.chance(0.25)) draws.push({ process: random.pick(processes) });
    else if (random.chance(0.5)) draws.push({ target: 'token', kind: random.pick(TOKEN_FAULT_KINDS) });
    else draws.push({ target: 'api', kind: random.pick(API_FAULT_KINDS) });
  }
  const order = random.shuffle(draws);
  const slot = span / order.length;
  return order.map((draw, i) => {
    const at = Math.round(options.startMs + slot * i + random.between(0, slot * 0.8));
    return 'process' in draw
      ? processEvent(at, draw.process, random, options)
      : faultEvent(at, draw.target, draw.kind, random, options);
  });
}

/** One line for the report's timeline. */
export function describeEvent(event: ChaosEvent): string {
  switch (event.type) {
    case 'fault': {
      const s = event.spec;
      const where = [s.carrier, s.account, s.target, s.endpoint].filter(Boolean).join('/');
      const params = s.params ? ` ${JSON.stringify(s.params)}` : '';
      return `fault ${s.kind} on ${where} for ${s.durationMs} ms at p=${s.probability}${params}`;
    }
    case 'redis-freeze':
      return `Redis frozen (SIGSTOP) for ${event.durationMs} ms`;
    case 'redis-restart-keep':
      return `Redis restarted with its data, down ${event.downMs} ms`;
    case 'redis-restart-empty':
      return `Redis killed and restarted empty, down ${event.downMs} ms`;
    case 'gateway-kill':
      return `gateway ${event.instance} killed (SIGKILL), restarted after ${event.downMs} ms`;
    case 'carrier-revoke':
      return `carrier-side revocation of ${event.carrier}${event.account ? `/${event.account}` : ' (every account)'}`;
    case 'rotation-race':
      return `rotation race: ${CONNECTED_CARRIER}/${CONNECTED_ACCOUNT} tokens live 2 s, refreshes slowed, for ${event.durationMs} ms`;
    case 'admin-revoke-reconnect':
      return `admin revoke of ${CONNECTED_CARRIER}/${CONNECTED_ACCOUNT} on gateway ${event.instance}, re-connected on gateway ${event.reconnectOn} after ${event.gapMs} ms`;
  }
}
