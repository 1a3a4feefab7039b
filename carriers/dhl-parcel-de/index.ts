/** DHL Parcel DE (Shipping API v2): the carrier definition assembled from profile and mappings. */
import { UnreadableBodyError } from '../../src/carrier/body.ts';
import type { CarrierContext, CarrierDefinition } from '../../src/carrier/definition.ts';
import { unreadableAnswer } from '../../src/carrier/outcomes.ts';
import { requireSetting } from '../../src/carrier/settings.ts';
import { CarrierError, isCarrierError } from '../../src/domain/failure.ts';
import { ContractRatesError, contractRates } from './contract-rates.ts';
import { createParcelDeLabel } from './mapping/create-label.ts';
import { decodeError } from './mapping/errors.ts';
import { tableRates } from './mapping/rates.ts';
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

  createLabel: createParcelDeLabel,

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
      if (err instanceof UnreadableBodyError) throw unreadableAnswer(ctx, 200, err.message, err);
      throw err;
    }
  },

  decodeError,

  /** A validate-only order: authenticated, checked by the backend, creates nothing. */
  async probe(ctx) {
    requireSetting(ctx, 'ekp', 'the 10-digit DHL customer number (EKP)');
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
