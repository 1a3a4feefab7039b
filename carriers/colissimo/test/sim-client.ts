/** Small helpers for talking raw HTTP to the Colissimo simulator in tests. */
import {
  boundaryOf,
  type MultipartPart,
  readMultipart as parseMultipart,
  findPart as partById,
} from '../../../src/carrier/multipart.ts';

export const GENERATE = '/sls-ws/SlsServiceWSRest/2.0/generateLabel';
export const CHECK = '/sls-ws/SlsServiceWSRest/2.0/checkGenerateLabel';

export const CONTRACT = { contractNumber: '800001', password: 'sandbox-colissimo-password' };
export const API_KEY = 'sandbox-colissimo-api-key';
export const OKAPI_KEY = 'sandbox-okapi-key-contract';

export function labelBody(
  overrides: { letter?: Record<string, unknown>; printing?: string; weight?: unknown } = {},
) {
  return {
    outputFormat: { x: 0, y: 0, outputPrintingType: overrides.printing ?? 'PDF_10x15_300dpi' },
    letter: {
      service: { productCode: 'DOM', depositDate: '2025-04-01' },
      parcel: { weight: 'weight' in overrides ? overrides.weight : 1.2 },
      sender: {
        address: {
          lastName: 'Akretion',
          line2: '27 rue Henri Rolland',
          city: 'Villeurbanne',
          zipCode: '69100',
          countryCode: 'FR',
        },
      },
      addressee: {
        address: {
          lastName: 'Hugo',
          line2: '6 Place des Vosges',
          city: 'Paris',
          zipCode: '75004',
          countryCode: 'FR',
        },
      },
      ...(overrides.letter ?? {}),
    },
  };
}

export async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

export async function multipartOf(
  res: Response,
): Promise<{ raw: Uint8Array; parts: MultipartPart[]; info: unknown; label?: Uint8Array }> {
  const raw = new Uint8Array(await res.arrayBuffer());
  const boundary = boundaryOf(res.headers.get('content-type'));
  if (!boundary) throw new Error(`not multipart: ${res.headers.get('content-type')}`);
  const parts = parseMultipart(raw, boundary);
  const info = JSON.parse(new TextDecoder().decode(partById(parts, 'jsonInfos')!.body));
  const label = partById(parts, 'label')?.body;
  return { raw, parts, info, ...(label ? { label } : {}) };
}

export function track(
  base: string,
  ids: string,
  headers: Record<string, string> = { accept: 'application/json', 'x-okapi-key': OKAPI_KEY },
) {
  return fetch(`${base}/suivi/v2/idships/${ids}?lang=fr_FR`, {
    headers,
    signal: AbortSignal.timeout(10_000),
  });
}
