/**
 * The subset of the MyDHL JSON schema the simulator enforces, reporting the first problem
 * in DHL's wording: "#/customerDetails/shipperDetails: required key [countryCode] not found".
 */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Required keys per JSON pointer; arrays are checked item by item ('*'). */
export type Rules = Record<string, readonly string[]>;

function resolve(root: unknown, pointer: string): { path: string; value: unknown }[] {
  let nodes: { path: string; value: unknown }[] = [{ path: '#', value: root }];
  for (const part of pointer.split('/').filter(Boolean)) {
    const next: { path: string; value: unknown }[] = [];
    for (const n of nodes) {
      if (part === '*') {
        if (Array.isArray(n.value)) {
          for (const [i, v] of n.value.entries()) next.push({ path: `${n.path}/${i}`, value: v });
        }
      } else if (isObject(n.value) && part in n.value) {
        next.push({ path: `${n.path}/${part}`, value: n.value[part] });
      }
    }
    nodes = next;
  }
  return nodes;
}

export function firstSchemaError(body: unknown, rules: Rules): string | undefined {
  if (!isObject(body)) return '#: expected type: JSONObject, found: Null';
  for (const [pointer, keys] of Object.entries(rules)) {
    for (const node of resolve(body, pointer)) {
      if (!isObject(node.value))
        return `${node.path}: expected type: JSONObject, found: ${typeof node.value}`;
      for (const key of keys)
        if (!(key in node.value)) return `${node.path}: required key [${key}] not found`;
    }
  }
  return undefined;
}

export const RATE_RULES: Rules = {
  '': [
    'customerDetails',
    'plannedShippingDateAndTime',
    'unitOfMeasurement',
    'isCustomsDeclarable',
    'packages',
  ],
  '/customerDetails': ['shipperDetails', 'receiverDetails'],
  '/customerDetails/shipperDetails': ['postalCode', 'cityName', 'countryCode'],
  '/customerDetails/receiverDetails': ['postalCode', 'cityName', 'countryCode'],
  '/packages/*': ['weight'],
};

export const SHIPMENT_RULES: Rules = {
  '': ['plannedShippingDateAndTime', 'pickup', 'productCode', 'accounts', 'customerDetails', 'content'],
  '/accounts/*': ['typeCode', 'number'],
  '/customerDetails': ['shipperDetails', 'receiverDetails'],
  '/customerDetails/shipperDetails': ['postalAddress', 'contactInformation'],
  '/customerDetails/receiverDetails': ['postalAddress', 'contactInformation'],
  '/customerDetails/shipperDetails/postalAddress': ['postalCode', 'cityName', 'countryCode', 'addressLine1'],
  '/customerDetails/receiverDetails/postalAddress': ['postalCode', 'cityName', 'countryCode', 'addressLine1'],
  '/customerDetails/shipperDetails/contactInformation': ['phone', 'companyName', 'fullName'],
  '/customerDetails/receiverDetails/contactInformation': ['phone', 'companyName', 'fullName'],
  '/content': ['packages', 'isCustomsDeclarable', 'description', 'incoterm', 'unitOfMeasurement'],
  '/content/packages/*': ['weight'],
};

/** "2022-10-19T19:19:40 GMT+00:00" or without the space, as both spec examples show. */
export const SHIP_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2} ?GMT[+-]\d{2}:\d{2}$/;
