/** Assembles the gateway core into the GatewayService the HTTP API calls. */

import type { CredentialBroker } from '../auth/types.ts';
import type { CarrierDefinition } from '../carrier/definition.ts';
import type { CarriersResponse } from '../domain/carriers-view.ts';
import {
  IdempotencyConflictError,
  IdempotencyInProgressError,
  IdempotencyUnavailableError,
  LabelOutcomeUnknownError,
} from '../domain/errors.ts';
import type { Label, LabelRequest } from '../domain/shipment.ts';
import { type EventSink, silentEvents } from '../events/bus.ts';
import { type BreakerBoard, type BreakerBoardOptions, createBreakerBoard } from '../resilience/board.ts';
import { type BudgetSettings, DEFAULT_BUDGET, FailoverBudget } from '../resilience/budget.ts';
import {
  createMemoryIdempotencyStore,
  fingerprintOf,
  type IdempotencyStore,
} from '../resilience/idempotency.ts';
import type { CarrierPolicy } from '../resilience/settings.ts';
import { createUpstreamClient } from '../upstream/client.ts';
import type { UpstreamTransport } from '../upstream/transport.ts';
import type { GatewayCore } from './core.ts';
import { type AccountSource, createDirectory } from './directory.ts';
import { compactLabel } from './label-compact.ts';
import { buyLabel, checkLabelRequest } from './labels.ts';
import { quoteRates } from './rates.ts';
import type { GatewayService, ReadinessReport } from './service.ts';
import { track } from './tracking.ts';
import { describeCarriers, type HealthProvider } from './view.ts';

export interface GatewayOptions {
  registry: readonly CarrierDefinition[];
  /** The accounts, or where to read the current ones (they change while the gateway runs). */
  accounts: AccountSource;
  policies?: Readonly<Record<string, CarrierPolicy>>;
  broker: CredentialBroker;
  /** Where carrier API calls are sent (default: the global fetch, adapted). */
  transport?: UpstreamTransport;
  transportFor?: (carrier: string) => UpstreamTransport;
  idempotency?: IdempotencyStore<Label>;
  budget?: BudgetSettings;
  /** Where exchanges, breaker changes, routing and label outcomes are reported. */
  events?: EventSink;
  readiness?: () => Promise<ReadinessReport>;
  onClose?: () => Promise<void>;
  now?: () => number;
  /** Breaker options (several instances share the auth breakers' half-open probe). */
  breakers?: BreakerBoardOptions;
}

export interface Gateway extends GatewayService {
  readonly core: GatewayCore;
  readonly board: BreakerBoard;
  /** GET /v1/carriers with health from `provider` (scores and triage), or off the breakers alone. */
  describe(provider?: HealthProvider): CarriersResponse;
}

/** The first request with this key stopped (its instance died) before answering: it may have bought. */
function abandonedPurchase(request: LabelRequest): LabelOutcomeUnknownError {
  return new LabelOutcomeUnknownError(
    'the first request with this Idempotency-Key stopped before it answered: the label may have been bought. Check with the carrier before buying it with a new key.',
    {
      carrier: request.carrier,
      account: request.account ?? '',
      reference: request.reference,
      routing: { requested: request.carrier, servedBy: null, failedOver: false, attempts: [] },
    },
  );
}

export function createGateway(options: GatewayOptions): Gateway {
  const now = options.now ?? Date.now;
  const events = options.events ?? silentEvents;
  const directory = createDirectory(options.registry, options.accounts, options.policies);
  const board = createBreakerBoard((carrier) => directory.policy(carrier), { ...options.breakers, events });
  const upstream = createUpstreamClient({
    broker: options.broker,
    ...(options.transport ? { transport: options.transport } : {}),
    ...(options.transportFor ? { transportFor: options.transportFor } : {}),
    timeoutsFor: (carrier) => directory.policy(carrier).timeouts,
    gates: {
      auth: (carrier, account, acquire) => board.for(carrier, account).auth.run(acquire),
      authFailure: (carrier, account, error) => board.for(carrier, account).auth.record(error),
      api: (carrier, account, exchange) => board.for(carrier, account).api.run(exchange),
    },
    events,
    now,
  });
  const core: GatewayCore = {
    directory,
    upstream,
    board,
    budget: new FailoverBudget(options.budget ?? DEFAULT_BUDGET, now),
    now,
  };
  const idempotency = options.idempotency ?? createMemoryIdempotencyStore<Label>({ compact: compactLabel });

  async function labelOnce(request: LabelRequest): Promise<Label> {
    try {
      const label = await buyLabel(core, request);
      events.emit({
        type: 'label.outcome',
        carrier: label.carrier,
        account: label.account,
        outcome: 'bought',
        ...(label.conversion?.converted ? { convertedFrom: label.conversion.from } : {}),
      });
      events.emit({ type: 'routed', operation: 'label', routing: [label.routing] });
      return label;
    } catch (error) {
      if (error instanceof LabelOutcomeUnknownError) {
        events.emit({
          type: 'label.outcome',
          carrier: error.carrier,
          account: error.account,
          outcome: 'unknown',
        });
      } else {
        const carrier = directory.carrier(request.carrier);
        const account = carrier && directory.account(carrier.id, request.account);
        if (account)
          events.emit({
            type: 'label.outcome',
            carrier: account.carrier,
            account: account.id,
            outcome: 'refused',
          });
      }
      throw error;
    }
  }

  return {
    core,
    board,
    async rates(request, ctx) {
      const answer = await quoteRates(core, request, ctx.signal);
      events.emit({ type: 'routed', operation: 'rates', routing: answer.routing });
      return answer;
    },
    async label(request, ctx) {
      checkLabelRequest(core, request);
      const fingerprint = await fingerprintOf(request);
      let bought = false;
      const replayed = () => {
        if (!bought)
          events.emit({ type: 'idempotency.replayed', operation: 'label', carrier: request.carrier });
      };
      // The first answer is replayed, a success or an error alike; `bought` tells which request ran.
      const label = await idempotency
        .run(
          ctx.idempotencyKey,
          fingerprint,
          () => {
            bought = true;
            return labelOnce(request);
          },
          { abandoned: () => abandonedPurchase(request) },
        )
        .catch((error: unknown) => {
          const storeAnswer =
            error instanceof IdempotencyConflictError ||
            error instanceof IdempotencyInProgressError ||
            error instanceof IdempotencyUnavailableError;
          if (!storeAnswer) replayed();
          throw error;
        });
      replayed();
      return label;
    },
    tracking: (carrier, trackingNumber, ctx) => track(core, carrier, trackingNumber, ctx.signal),
    describe: (provider) => describeCarriers(core, provider),
    carriers: async () => describeCarriers(core),
    readiness:
      options.readiness ?? (async () => ({ ready: true, status: 'ready', checks: { config: { ok: true } } })),
    async close() {
      board.shutdown();
      await options.onClose?.();
    },
  };
}
