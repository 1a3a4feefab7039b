/** Assembles the gateway core into the GatewayService the HTTP API calls. */
import type { CredentialBroker } from '../auth/types.ts';
import type { CarrierDefinition } from '../carrier/definition.ts';
import type { ResolvedAccount } from '../config/account.ts';
import type { Label } from '../domain/shipment.ts';
import { type BreakerBoard, type BreakerBoardOptions, createBreakerBoard } from '../resilience/board.ts';
import { type BudgetSettings, DEFAULT_BUDGET, FailoverBudget } from '../resilience/budget.ts';
import {
  createMemoryIdempotencyStore,
  fingerprintOf,
  type IdempotencyStore,
} from '../resilience/idempotency.ts';
import type { CarrierPolicy } from '../resilience/settings.ts';
import { createUpstreamClient, type UpstreamObserver } from '../upstream/client.ts';
import type { GatewayCore } from './core.ts';
import { createDirectory } from './directory.ts';
import { buyLabel } from './labels.ts';
import { quoteRates } from './rates.ts';
import type { GatewayService, ReadinessReport } from './service.ts';
import { track } from './tracking.ts';
import { describeCarriers, type HealthProvider } from './view.ts';

export interface GatewayOptions {
  registry: readonly CarrierDefinition[];
  accounts: readonly ResolvedAccount[];
  policies?: Readonly<Record<string, CarrierPolicy>>;
  broker: CredentialBroker;
  fetch?: typeof fetch;
  fetchFor?: (carrier: string) => typeof fetch;
  idempotency?: IdempotencyStore<Label>;
  budget?: BudgetSettings;
  observer?: UpstreamObserver;
  readiness?: () => Promise<ReadinessReport>;
  onClose?: () => Promise<void>;
  now?: () => number;
  /** Breaker options (several instances share the auth breakers' half-open probe). */
  breakers?: BreakerBoardOptions;
  /** Health scores and triage for GET /v1/carriers (late-bound: the monitor needs the gateway first). */
  health?: () => HealthProvider | undefined;
}

export interface Gateway extends GatewayService {
  readonly core: GatewayCore;
  readonly board: BreakerBoard;
}

export function createGateway(options: GatewayOptions): Gateway {
  const now = options.now ?? Date.now;
  const directory = createDirectory(options.registry, options.accounts, options.policies);
  const board = createBreakerBoard((carrier) => directory.policy(carrier), options.breakers);
  const upstream = createUpstreamClient({
    broker: options.broker,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.fetchFor ? { fetchFor: options.fetchFor } : {}),
    timeoutsFor: (carrier) => directory.policy(carrier).timeouts,
    gates: {
      auth: (carrier, account, acquire) => board.for(carrier, account).auth.run(acquire),
      authFailure: (carrier, account, error) => board.for(carrier, account).auth.record(error),
      api: (carrier, account, exchange) => board.for(carrier, account).api.run(exchange),
    },
    ...(options.observer ? { observer: options.observer } : {}),
    now,
  });
  const core: GatewayCore = {
    directory,
    upstream,
    board,
    budget: new FailoverBudget(options.budget ?? DEFAULT_BUDGET, now),
    now,
  };
  const idempotency = options.idempotency ?? createMemoryIdempotencyStore<Label>();

  return {
    core,
    board,
    rates: (request, ctx) => quoteRates(core, request, ctx.signal),
    async label(request, ctx) {
      const fingerprint = await fingerprintOf(request);
      return idempotency.run(ctx.idempotencyKey, fingerprint, () => buyLabel(core, request));
    },
    tracking: (carrier, trackingNumber, ctx) => track(core, carrier, trackingNumber, ctx.signal),
    carriers: async () => describeCarriers(core, options.health?.()),
    readiness:
      options.readiness ?? (async () => ({ ready: true, status: 'ready', checks: { config: { ok: true } } })),
    async close() {
      board.shutdown();
      await options.onClose?.();
    },
  };
}
