/** DHL Parcel DE (Shipping API v2): the carrier definition assembled from profile and mappings. */
import type {
  CarrierContext,
  CarrierDefinition,
  CarrierLabel,
  CarrierLabelRequest,
} from '../../src/carrier/definition.ts';
import { CarrierError, isCarrierError } from '../../src/domain/failure.ts';
import { ContractRatesError, contractRates } from './contract-rates.ts';
import { decodeError } from './mapping/errors.ts';
import { buildLabelRequest, PartialLabelError, parseLabel } from './mapping/labels.ts';
import { tableRates } from './mapping/rates.ts';
import { buildReturnRequest, isReturn, parseReturnLabel, ReturnInputError } from './mapping/returns.ts';
import { buildTrackingRequest, parseTracking } from './mapping/tracking.ts';
import {
  AUTH,
  billingNumber,
  CARRIER_ID,
  DEFAULT_PROFILE,
  HOSTS,
  LABEL_FORMATS,
  LIMITS,
  ORDERS_PATH,
  REQUIRED_SETTINGS,
  RETOURE,
  SERVICES,
} from './profile.ts';
import { RATE_TABLE } from './rate-table.ts';
import { RETURN_ORIGINS } from './zones.ts';

function fail(
  ctx: CarrierContext,
  init: Pick<
    ConstructorParameters<typeof CarrierError>[0],
    'failureClass' | 'outcome' | 'code' | 'message' | 'cause' | 'status' | 'auth'
  >,
): CarrierError {
  return new CarrierError({ carrier: CARRIER_ID, account: ctx.account.id, ...init });
}

function requireEkp(ctx: CarrierContext): void {
  if (!ctx.account.settings.ekp) {
    throw fail(ctx, {
      failureClass: 'misconfigured',
      outcome: 'not_sent',
      code: 'ekp',
      message: 'DHL Parcel DE account has no ekp (customer number) setting',
    });
  }
}

/** A DHL Retoure label through the Returns API (the shipper is abroad, the parcel comes back). */
async function createReturnLabel(ctx: CarrierContext, req: CarrierLabelRequest): Promise<CarrierLabel> {
  let upstream: ReturnType<typeof buildReturnRequest>;
  try {
    upstream = buildReturnRequest(req, ctx.account.settings);
  } catch (err) {
    if (!(err instanceof ReturnInputError || err instanceof RangeError)) throw err;
    throw fail(ctx, {
      failureClass: 'rejected',
      outcome: 'rejected',
      code: err instanceof ReturnInputError ? err.code : 'request',
      message: err.message,
    });
  }
  const res = await ctx.request(upstream);
  try {
    const label = parseReturnLabel(res.json(), req.format);
    if (req.service.code === RETOURE.code) return label;
    // The unified level picked another product; a label from abroad can only be a DHL Retoure.
    const note = `sent as a DHL Retoure return label (${req.service.code} ships from Germany only)`;
    return { ...label, warnings: [...(label.warnings ?? []), note] };
  } catch (err) {
    // A 201 we cannot read has still created a return shipment: never fail it over blindly.
    throw fail(ctx, {
      failureClass: 'unavailable',
      outcome: 'ambiguous',
      code: 'unreadable_answer',
      message: err instanceof Error ? err.message : 'unreadable DHL Returns answer',
      cause: err,
    });
  }
}

export const carrier: CarrierDefinition = {
  id: CARRIER_ID,
  displayName: 'DHL Parcel DE',
  hosts: HOSTS,
  auth: AUTH,
  requiredSettings: REQUIRED_SETTINGS,
  services: SERVICES,
  labelFormats: LABEL_FORMATS,
  limits: LIMITS,
  rateSource: 'table',
  // Post & Parcel Germany ships from Germany, to Germany and abroad; and brings parcels back
  // to Germany from the other EU countries as DHL Retoure return labels.
  servesRoute: (route) =>
    /^[A-Z]{2}$/.test(route.to) &&
    (route.from === 'DE' || (route.to === 'DE' && RETURN_ORIGINS.has(route.from))),

  async rate(ctx, req) {
    let contract: ReturnType<typeof contractRates>;
    try {
      contract = contractRates(ctx.account.settings);
    } catch (err) {
      if (!(err instanceof ContractRatesError)) throw err;
      throw fail(ctx, {
        failureClass: 'misconfigured',
        outcome: 'not_sent',
        code: err.key,
        message: err.message,
      });
    }
    const rates = tableRates(req, RATE_TABLE, contract);
    return req.services ? rates.filter((r) => req.services!.includes(r.service.level)) : rates;
  },

  async createLabel(ctx, req) {
    if (isReturn(req)) return createReturnLabel(ctx, req);
    if (req.service.code === RETOURE.code) {
      throw fail(ctx, {
        failureClass: 'rejected',
        outcome: 'rejected',
        code: 'route',
        message: 'DHL Retoure labels bring a parcel back to Germany from another EU country',
      });
    }
    requireEkp(ctx);
    let upstream: ReturnType<typeof buildLabelRequest>;
    try {
      upstream = buildLabelRequest(req, ctx.account.settings);
    } catch (err) {
      throw fail(ctx, {
        failureClass: 'rejected',
        outcome: 'rejected',
        code: 'request',
        message: err instanceof Error ? err.message : 'request cannot be sent',
      });
    }
    const res = await ctx.request(upstream);
    try {
      return parseLabel(res.json(), req.format);
    } catch (err) {
      if (err instanceof PartialLabelError) {
        // Nothing created: a plain refusal, safe to fail over. Some created: never buy twice.
        const outcome = err.created.length ? 'ambiguous' : 'rejected';
        const created = err.created.length ? ` (created anyway: ${err.created.join(', ')})` : '';
        throw fail(ctx, {
          failureClass: 'rejected',
          outcome,
          code: err.code,
          message: `${err.message}${created}`,
          status: res.status,
        });
      }
      throw fail(ctx, {
        failureClass: 'unavailable',
        outcome: 'ambiguous',
        code: 'unreadable_answer',
        message: err instanceof Error ? err.message : 'unreadable DHL Parcel DE answer',
        cause: err,
      });
    }
  },

  async track(ctx, trackingNumber) {
    let apiKey: string;
    try {
      apiKey = ctx.secret('clientId');
    } catch (err) {
      throw fail(ctx, {
        failureClass: 'misconfigured',
        outcome: 'not_sent',
        code: 'clientId',
        message: 'no DHL API key for tracking',
        cause: err,
      });
    }
    try {
      const res = await ctx.request(buildTrackingRequest(trackingNumber, apiKey));
      return parseTracking(res.json(), trackingNumber);
    } catch (err) {
      // The tracking API checks the API key, not a token: its 401 is configuration, not expiry.
      if (isCarrierError(err) && err.status === 401) {
        throw fail(ctx, {
          failureClass: 'misconfigured',
          outcome: 'rejected',
          code: err.code,
          message: 'DHL tracking API refused the API key',
          status: 401,
          auth: true,
          cause: err,
        });
      }
      if (isCarrierError(err)) throw err;
      throw fail(ctx, {
        failureClass: 'unavailable',
        outcome: 'not_sent',
        code: 'unreadable_answer',
        message: err instanceof Error ? err.message : 'unreadable DHL tracking answer',
        cause: err,
      });
    }
  },

  decodeError,

  /** A validate-only order: authenticated, checked by the backend, creates nothing. */
  async probe(ctx) {
    requireEkp(ctx);
    const shipment = {
      product: 'V01PAK',
      billingNumber: billingNumber(ctx.account.settings, 'V01PAK'),
      shipper: {
        name1: 'Probe',
        addressStreet: 'Sträßchensweg 10',
        postalCode: '53113',
        city: 'Bonn',
        country: 'DEU',
      },
      consignee: {
        name1: 'Probe',
        addressStreet: 'Kurt-Schumacher-Str. 20',
        postalCode: '53113',
        city: 'Bonn',
        country: 'DEU',
      },
      details: { weight: { uom: 'g', value: 500 } },
    };
    await ctx.request({
      method: 'POST',
      path: ORDERS_PATH,
      query: { validate: 'true' },
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({
        profile: ctx.account.settings.profile ?? DEFAULT_PROFILE,
        shipments: [shipment],
      }),
      operation: 'probe',
    });
  },
};
