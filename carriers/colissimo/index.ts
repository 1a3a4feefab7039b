/** La Poste Colissimo (labels) + La Poste Suivi v2 (tracking) as one carrier. */
import type { CarrierContext, CarrierDefinition, Route } from '../../src/carrier/definition.ts';
import { CarrierError } from '../../src/domain/failure.ts';
import { decodeError, decodeSlsMessage, firstSlsError, slsMessagesOf } from './mapping/errors.ts';
import { buildLabelBody, contractCredentials, createLabel } from './mapping/labels.ts';
import { rate } from './mapping/rates.ts';
import { track } from './mapping/tracking.ts';
import {
  AUTH,
  CARRIER_ID,
  DISPLAY_NAME,
  HOSTS,
  LABEL_FORMATS,
  LIMITS,
  PATHS,
  REQUIRED_SETTINGS,
} from './profile.ts';
import { SERVICES, serviceByCode } from './services.ts';
import { ORIGINS } from './zones.ts';

/** From metropolitan France, Monaco or Andorra to anywhere the price list has a zone for (all). */
const servesRoute = (route: Route): boolean => ORIGINS.has(route.from) && /^[A-Z]{2}$/.test(route.to);

/**
 * Probe: checkGenerateLabel validates credentials and a label body without creating a label,
 * so it proves the labels credential works at no cost. A refusal throws a classified error.
 */
async function probe(ctx: CarrierContext): Promise<void> {
  const address = {
    name: 'Probe',
    lines: ['1 rue de Rivoli'],
    city: 'Paris',
    postalCode: '75001',
    countryCode: 'FR',
  };
  const body = buildLabelBody(
    {
      service: serviceByCode('DOM')!,
      shipper: address,
      recipient: address,
      parcels: [{ weight: { value: 1, unit: 'kg' } }],
      format: 'PDF',
    },
    new Date().toISOString().slice(0, 10),
    contractCredentials(ctx),
  );
  const res = await ctx.request({
    method: 'POST',
    path: PATHS.checkGenerateLabel,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    operation: 'probe',
  });
  // An ERROR message inside a 2xx is still a failed probe (HTTP 200 with an error body).
  const error = firstSlsError(slsMessagesOf(res) ?? []);
  if (error) {
    const decoded = decodeSlsMessage(error, res.status);
    throw new CarrierError({
      carrier: ctx.carrier || CARRIER_ID,
      account: ctx.account.id,
      failureClass: decoded.failureClass,
      outcome: 'rejected',
      message: decoded.message,
      code: decoded.code,
      status: res.status,
      auth: decoded.auth,
    });
  }
}

export const carrier: CarrierDefinition = {
  id: CARRIER_ID,
  displayName: DISPLAY_NAME,
  hosts: HOSTS,
  auth: AUTH,
  requiredSettings: REQUIRED_SETTINGS,
  services: SERVICES,
  labelFormats: LABEL_FORMATS,
  limits: LIMITS,
  rateSource: 'table',
  servesRoute,
  rate,
  createLabel,
  track,
  decodeError,
  probe,
};
