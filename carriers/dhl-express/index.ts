/** DHL Express (MyDHL API): the carrier definition assembled from profile and mappings. */
import type { CarrierContext, CarrierDefinition } from '../../src/carrier/definition.ts';
import { boughtLabel, interpretAnswer, refusedBeforeSending } from '../../src/carrier/outcomes.ts';
import { requireSetting } from '../../src/carrier/settings.ts';
import { decodeError } from './mapping/errors.ts';
import { buildLabelRequest, LabelInputError, parseShipment } from './mapping/labels.ts';
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

const accountNumber = (ctx: CarrierContext): string =>
  requireSetting(ctx, 'accountNumber', 'the DHL Express account number');

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
    const rates = interpretAnswer(ctx, res, (json) => parseRates(json, domestic));
    return req.services ? rates.filter((r) => req.services!.includes(r.service.level)) : rates;
  },

  async createLabel(ctx, req) {
    let upstream: ReturnType<typeof buildLabelRequest>;
    try {
      upstream = buildLabelRequest(req, accountNumber(ctx));
    } catch (err) {
      if (!(err instanceof LabelInputError)) throw err;
      throw refusedBeforeSending(ctx, err.code, err.message);
    }
    const res = await ctx.request(upstream);
    // A 2xx we cannot read may still have created a shipment: the kit's ambiguous answer.
    return boughtLabel(
      ctx,
      interpretAnswer(ctx, res, (json) => parseShipment(json, req.format, res.status)),
    );
  },

  async track(ctx, trackingNumber) {
    const res = await ctx.request(buildTrackingRequest(trackingNumber));
    return interpretAnswer(ctx, res, (json) => parseTracking(json, trackingNumber));
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
