/** DHL Express (MyDHL API): the carrier definition assembled from profile and mappings. */
import type { CarrierContext, CarrierDefinition } from '../../src/carrier/definition.ts';
import { CarrierError } from '../../src/domain/failure.ts';
import { decodeError } from './mapping/errors.ts';
import { buildLabelRequest, LabelInputError, parseLabel } from './mapping/labels.ts';
import { buildRateRequest, parseRates } from './mapping/rates.ts';
import { buildTrackingRequest, parseTracking } from './mapping/tracking.ts';
import {
  AUTH,
  CARRIER_ID,
  HOSTS,
  LABEL_FORMATS,
  LIMITS,
  REQUIRED_SETTINGS,
  SERVICES,
  servesRoute,
  X_VERSION,
} from './profile.ts';

function accountNumber(ctx: CarrierContext): string {
  const n = ctx.account.settings.accountNumber;
  if (!n) {
    throw new CarrierError({
      carrier: CARRIER_ID,
      account: ctx.account.id,
      failureClass: 'misconfigured',
      outcome: 'not_sent',
      code: 'accountNumber',
      message: 'DHL Express account has no accountNumber setting',
    });
  }
  return n;
}

/** A 2xx answer the mapping cannot read: nothing can be concluded about the shipment. */
function unreadable(ctx: CarrierContext, err: unknown, outcome: 'ambiguous' | 'not_sent'): CarrierError {
  return new CarrierError({
    carrier: CARRIER_ID,
    account: ctx.account.id,
    failureClass: 'unavailable',
    outcome,
    code: 'unreadable_answer',
    message: err instanceof Error ? err.message : 'unreadable DHL Express answer',
    cause: err,
  });
}

export const carrier: CarrierDefinition = {
  id: CARRIER_ID,
  displayName: 'DHL Express',
  hosts: HOSTS,
  auth: AUTH,
  requiredSettings: REQUIRED_SETTINGS,
  services: SERVICES,
  labelFormats: LABEL_FORMATS,
  limits: LIMITS,
  rateSource: 'live',
  servesRoute,

  async rate(ctx, req) {
    const res = await ctx.request(buildRateRequest(req, accountNumber(ctx)));
    const domestic = req.shipper.countryCode === req.recipient.countryCode;
    let rates: ReturnType<typeof parseRates>;
    try {
      rates = parseRates(res.json(), domestic);
    } catch (err) {
      throw unreadable(ctx, err, 'not_sent');
    }
    return req.services ? rates.filter((r) => req.services!.includes(r.service.level)) : rates;
  },

  async createLabel(ctx, req) {
    let upstream: ReturnType<typeof buildLabelRequest>;
    try {
      upstream = buildLabelRequest(req, accountNumber(ctx));
    } catch (err) {
      if (!(err instanceof LabelInputError)) throw err;
      throw new CarrierError({
        carrier: CARRIER_ID,
        account: ctx.account.id,
        failureClass: 'rejected',
        outcome: 'rejected',
        code: err.code,
        message: err.message,
      });
    }
    const res = await ctx.request(upstream);
    try {
      return parseLabel(res.json(), req.format);
    } catch (err) {
      // A 2xx we cannot read may still have created a shipment: never fail it over blindly.
      throw unreadable(ctx, err, 'ambiguous');
    }
  },

  async track(ctx, trackingNumber) {
    const res = await ctx.request(buildTrackingRequest(trackingNumber));
    try {
      return parseTracking(res.json(), trackingNumber);
    } catch (err) {
      throw unreadable(ctx, err, 'not_sent');
    }
  },

  decodeError,

  /** The light authenticated call: a one-piece domestic rate query is the cheapest read the API has. */
  async probe(ctx) {
    await ctx.request({
      method: 'GET',
      path: '/rates',
      query: {
        accountNumber: accountNumber(ctx),
        originCountryCode: 'DE',
        originCityName: 'Bonn',
        originPostalCode: '53113',
        destinationCountryCode: 'DE',
        destinationCityName: 'Berlin',
        destinationPostalCode: '10115',
        weight: '1',
        length: '10',
        width: '10',
        height: '10',
        plannedShippingDate: new Date().toISOString().slice(0, 10),
        isCustomsDeclarable: 'false',
        unitOfMeasurement: 'metric',
      },
      headers: { accept: 'application/json', 'x-version': X_VERSION },
      operation: 'probe',
    });
  },
};
