/**
 * How the Parcel DE API checks an order: JSON-schema errors reject the whole request (400,
 * `items[]{propertyPath, message}`); business checks fail one shipment (its `sstatus` and
 * `validationMessages`); some checks only warn (the shipment is still created).
 */
import { ALPHA3_TO_ALPHA2 } from '../../../src/domain/countries.ts';
import { PROCEDURE } from '../profile.ts';

export interface SchemaError {
  propertyPath: string;
  message: string;
}

export interface Message {
  property: string;
  validationMessage: string;
  validationState: 'Error' | 'Warning';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const PRODUCTS = Object.keys(PROCEDURE);
const COUNTRY_MESSAGE =
  'Parameter country must be a valid country code consisting of three characters according to ISO 3166-1 alpha-3.';

function partyErrors(path: string, party: unknown, out: SchemaError[]): void {
  if (!isObject(party)) {
    out.push({ propertyPath: path, message: `Parameter ${path.split('.').pop()} is required.` });
    return;
  }
  for (const key of ['name1', 'addressStreet', 'city', 'country']) {
    if (typeof party[key] !== 'string' || party[key] === '') {
      out.push({ propertyPath: `${path}.${key}`, message: `Parameter ${key} is required.` });
    }
  }
  if (typeof party.country === 'string' && party.country !== '' && !(party.country in ALPHA3_TO_ALPHA2)) {
    out.push({ propertyPath: `${path}.country`, message: COUNTRY_MESSAGE });
  }
}

export function schemaErrors(body: unknown): SchemaError[] {
  const out: SchemaError[] = [];
  if (!isObject(body)) return [{ propertyPath: '', message: 'Request body must be a JSON object.' }];
  if (typeof body.profile !== 'string')
    out.push({ propertyPath: 'profile', message: 'Parameter profile is required.' });
  const shipments = body.shipments;
  if (!Array.isArray(shipments) || shipments.length < 1 || shipments.length > 30) {
    out.push({ propertyPath: 'shipments', message: 'Parameter shipments must contain 1 to 30 elements.' });
    return out;
  }
  shipments.forEach((s: unknown, i) => {
    const at = `shipments[${i}]`;
    if (!isObject(s)) {
      out.push({ propertyPath: at, message: 'Shipment must be an object.' });
      return;
    }
    if (typeof s.product !== 'string' || !PRODUCTS.includes(s.product)) {
      out.push({
        propertyPath: `${at}.product`,
        message: `Parameter product must be one of ${PRODUCTS.join(', ')}.`,
      });
    }
    if (typeof s.billingNumber !== 'string' || !/^\w{10}\d{2}\w{2}$/.test(s.billingNumber)) {
      out.push({
        propertyPath: `${at}.billingNumber`,
        message: 'Parameter billingNumber must match \\w{10}\\d{2}\\w{2}.',
      });
    }
    if (s.refNo !== undefined && (typeof s.refNo !== 'string' || s.refNo.length < 8 || s.refNo.length > 35)) {
      out.push({ propertyPath: `${at}.refNo`, message: 'Parameter refNo must be 8 to 35 characters long.' });
    }
    partyErrors(`${at}.shipper`, s.shipper, out);
    partyErrors(`${at}.consignee`, s.consignee, out);
    const weight = isObject(s.details) ? s.details.weight : undefined;
    if (!isObject(weight) || !['g', 'kg'].includes(String(weight.uom)) || typeof weight.value !== 'number') {
      out.push({
        propertyPath: `${at}.details.weight`,
        message: 'Parameter weight requires uom (g, kg) and a numeric value.',
      });
    }
  });
  return out;
}

export interface CheckedShipment {
  errors: Message[];
  warnings: Message[];
}

/** Business checks of one schema-valid shipment, for the account's EKP. */
export function checkShipment(s: Json, ekp: string | undefined, mustEncode: boolean): CheckedShipment {
  const errors: Message[] = [];
  const warnings: Message[] = [];
  const product = String(s.product);
  const billing = String(s.billingNumber);
  if (!ekp || !billing.startsWith(ekp)) {
    errors.push({
      property: 'billingNumber',
      validationMessage: 'The billing number is not valid for this user.',
      validationState: 'Error',
    });
  } else if (billing.slice(10, 12) !== PROCEDURE[product]) {
    errors.push({
      property: 'billingNumber',
      validationMessage: `The billing number does not match the product ${product}.`,
      validationState: 'Error',
    });
  }
  const consignee = s.consignee as Json;
  const domestic = consignee.country === 'DEU';
  if ((product === 'V01PAK' || product === 'V62KP') !== domestic) {
    errors.push({
      property: 'consignee.country',
      validationMessage: `The product ${product} is not available for destination ${String(consignee.country)}.`,
      validationState: 'Error',
    });
  }
  const weight = (s.details as Json).weight as { uom: string; value: number };
  const g = weight.uom === 'kg' ? weight.value * 1000 : weight.value;
  if (g > 31_500)
    errors.push({
      property: 'dimension.weight',
      validationMessage: 'The weight is too high',
      validationState: 'Error',
    });
  if (domestic && !/^\d{5}$/.test(String(consignee.postalCode ?? ''))) {
    // Not codeable: a warning unless mustEncode asks for labels only for codeable addresses.
    const message: Message = {
      property: 'consignee',
      validationMessage: 'The city entered does not match the postcode. The shipment is not codeable.',
      validationState: mustEncode ? 'Error' : 'Warning',
    };
    (mustEncode ? errors : warnings).push(message);
  }
  return { errors, warnings };
}
