/**
 * An in-memory GatewayService with one fake carrier ('acme', account 'main'): deterministic
 * rates, labels with idempotency replay and conflict, tracking; it can be told to throw any
 * error the real gateway throws, and to hold a call open. Tests only; never imported by src/.
 */
import type { CarriersResponse } from '../../src/domain/carriers-view.ts';
import {
  AllCarriersUnavailableError,
  IdempotencyConflictError,
  LabelOutcomeUnknownError,
  NotFoundError,
  UnprocessableError,
} from '../../src/domain/errors.ts';
import { CarrierError, type FailureClass } from '../../src/domain/failure.ts';
import { money } from '../../src/domain/money.ts';
import type {
  Label,
  LabelRequest,
  RateRequest,
  RateResponse,
  RoutingRecord,
  ServiceRef,
  Tracking,
} from '../../src/domain/shipment.ts';
import type { CallContext, GatewayService, ReadinessReport } from '../../src/gateway/service.ts';

export const FAKE_CARRIER = 'acme';
export const FAKE_ACCOUNT = 'main';

const SERVICES: readonly ServiceRef[] = [
  { code: 'ACME_GROUND', name: 'Acme Ground', level: 'ground' },
  { code: 'ACME_EXPRESS', name: 'Acme Express', level: 'express' },
];

type Operation = 'rates' | 'label' | 'tracking' | 'carriers';

const routing = (servedBy: string | null, failedOver = false): RoutingRecord => ({
  requested: FAKE_CARRIER,
  servedBy,
  failedOver,
  attempts: [
    { carrier: FAKE_CARRIER, account: FAKE_ACCOUNT, outcome: servedBy ? 'success' : 'failed', elapsedMs: 1 },
  ],
});

export function carrierError(
  failureClass: FailureClass,
  extra: { retryAfterMs?: number } = {},
): CarrierError {
  return new CarrierError({
    carrier: FAKE_CARRIER,
    account: FAKE_ACCOUNT,
    failureClass,
    outcome: failureClass === 'rejected' ? 'rejected' : 'not_sent',
    message: `acme failed: ${failureClass}`,
    code: `ACME_${failureClass.toUpperCase()}`,
    ...extra,
  });
}

export const allCarriersUnavailable = (retryAfterMs?: number) =>
  new AllCarriersUnavailableError('no carrier could quote this route', {
    messages: [
      {
        carrier: FAKE_CARRIER,
        account: FAKE_ACCOUNT,
        code: 'ACME_DOWN',
        class: 'unavailable',
        text: 'acme is down',
      },
    ],
    routing: routing(null),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

export const labelOutcomeUnknown = () =>
  new LabelOutcomeUnknownError('acme timed out after the label request was sent', {
    carrier: FAKE_CARRIER,
    account: FAKE_ACCOUNT,
    reference: 'ORDER-1',
    routing: routing(null),
  });

/** A call held open until released (graceful shutdown, abort propagation). */
export interface Hold {
  /** Resolves when a call has entered the held state. */
  entered: Promise<CallContext>;
  release(): void;
}

export class FakeGateway implements GatewayService {
  /** Errors thrown by the next calls of an operation (or 'any'), first in first out. */
  #faults: { op: Operation | 'any'; error: unknown }[] = [];
  #labels = new Map<string, { body: string; label: Label }>();
  #hold: { resolveEntered: (ctx: CallContext) => void; released: Promise<void> } | undefined;
  #labelCount = 0;
  readiness_: ReadinessReport = { ready: true, status: 'ready', checks: { store: { ok: true } } };
  /** The contexts the API passed in, to prove it forwards the caller's AbortSignal. */
  readonly contexts: CallContext[] = [];
  closed = false;

  failNext(op: Operation | 'any', error: unknown): void {
    this.#faults.push({ op, error });
  }

  holdNext(): Hold {
    let resolveEntered!: (ctx: CallContext) => void;
    let release!: () => void;
    const entered = new Promise<CallContext>((r) => {
      resolveEntered = r;
    });
    const released = new Promise<void>((r) => {
      release = r;
    });
    this.#hold = { resolveEntered, released };
    return { entered, release };
  }

  async #enter(op: Operation, ctx: CallContext): Promise<void> {
    this.contexts.push(ctx);
    const hold = this.#hold;
    if (hold) {
      this.#hold = undefined;
      hold.resolveEntered(ctx);
      await hold.released;
    }
    const i = this.#faults.findIndex((f) => f.op === op || f.op === 'any');
    if (i >= 0) {
      const [fault] = this.#faults.splice(i, 1);
      throw fault?.error;
    }
  }

  async rates(request: RateRequest, ctx: CallContext): Promise<RateResponse> {
    await this.#enter('rates', ctx);
    const unknown = (request.carriers ?? []).findIndex((c) => c !== FAKE_CARRIER);
    if (unknown >= 0)
      throw new NotFoundError(`unknown carrier ${request.carriers?.[unknown]}`, `carriers.${unknown}`);
    // Deterministic, in integer cents: 5.00 + 1.25 per parcel for ground, twice that for express.
    const baseCents = 500 + 125 * request.parcels.length;
    const amount = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    const rates = SERVICES.filter((s) => !request.services || request.services.includes(s.level)).map(
      (service, i) => ({
        carrier: FAKE_CARRIER,
        account: FAKE_ACCOUNT,
        service,
        total: money(amount(baseCents * (i + 1)), 'USD'),
        estimatedDays: i === 0 ? 4 : 1,
        source: 'live' as const,
      }),
    );
    return { rates, messages: [], routing: [routing(FAKE_CARRIER)] };
  }

  async label(request: LabelRequest, ctx: CallContext & { idempotencyKey: string }): Promise<Label> {
    await this.#enter('label', ctx);
    const body = JSON.stringify(request);
    const previous = this.#labels.get(ctx.idempotencyKey);
    if (previous) {
      if (previous.body !== body) throw new IdempotencyConflictError();
      return previous.label;
    }
    if (request.carrier !== FAKE_CARRIER)
      throw new NotFoundError(`unknown carrier ${request.carrier}`, 'carrier');
    if (request.account !== undefined && request.account !== FAKE_ACCOUNT)
      throw new NotFoundError(`unknown account ${request.account}`, 'account');
    const service = SERVICES.find((s) => s.code === request.service || s.level === request.serviceLevel);
    if (!service) throw new UnprocessableError('acme does not offer this service', 'service');
    this.#labelCount += 1;
    const label: Label = {
      carrier: FAKE_CARRIER,
      account: FAKE_ACCOUNT,
      service,
      trackingNumber: `ACME${String(this.#labelCount).padStart(8, '0')}`,
      format: request.format,
      mediaType: 'application/pdf',
      data: btoa('%PDF-1.4 fake label'),
      price: money('6.25', 'USD'),
      ...(request.reference === undefined ? {} : { reference: request.reference }),
      routing: routing(FAKE_CARRIER),
    };
    this.#labels.set(ctx.idempotencyKey, { body, label });
    return label;
  }

  async tracking(carrier: string, trackingNumber: string, ctx: CallContext): Promise<Tracking> {
    await this.#enter('tracking', ctx);
    if (carrier !== FAKE_CARRIER) throw new NotFoundError(`unknown carrier ${carrier}`, 'carrier');
    return {
      carrier,
      trackingNumber,
      status: 'in_transit',
      events: [
        { at: '2026-01-02T10:00:00Z', status: 'pre_transit', description: 'Label created' },
        {
          at: '2026-01-03T08:30:00Z',
          status: 'in_transit',
          description: 'Departed facility',
          location: { city: 'Atlanta', countryCode: 'US' },
        },
      ],
    };
  }

  async carriers(): Promise<CarriersResponse> {
    await this.#enter('carriers', {});
    const breaker = { state: 'closed' as const, failures: 0, successes: 3, rejects: 0 };
    return {
      carriers: [
        {
          id: FAKE_CARRIER,
          name: 'Acme Parcel',
          rateSource: 'live',
          labelFormats: ['PDF', 'ZPL'],
          services: [...SERVICES],
          fallbacks: [],
          accounts: [
            {
              id: FAKE_ACCOUNT,
              environment: 'sandbox',
              authMethod: 'client_credentials',
              labels: { team: 'eu' },
              health: { state: 'healthy', score: 100, classification: 'healthy' },
              breakers: { auth: breaker, api: breaker },
            },
          ],
        },
      ],
    };
  }

  async readiness(): Promise<ReadinessReport> {
    return this.readiness_;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
