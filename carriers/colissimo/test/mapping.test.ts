import { describe, expect, it } from 'vitest';
import type { CarrierLabelRequest } from '../../../src/carrier/definition.ts';
import {
  boundaryOf,
  readMultipart as parseMultipart,
  findPart as partById,
} from '../../../src/carrier/multipart.ts';
import { boughtLabel } from '../../../src/carrier/outcomes.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import type { RateRequest } from '../../../src/domain/shipment.ts';
import { upstreamResponse } from '../../../src/upstream/response.ts';
import { carrier } from '../index.ts';
import { decodeError } from '../mapping/errors.ts';
import { buildLabelBody, parseLabelResponse, toKg } from '../mapping/labels.ts';
import { bandPrice, quote } from '../mapping/rates.ts';
import { parseTrackingResponse, statusOfEventCode, trackingPath } from '../mapping/tracking.ts';
import { RATE_TABLE } from '../rate-table.ts';
import { serviceByCode } from '../services.ts';
import { fixtureResponse, loadFixture } from './fixture-loader.ts';

const who = {
  carrier: 'colissimo',
  account: { id: 'acct-1', environment: 'sandbox' as const, settings: {} },
};

function thrown(fn: () => unknown): CarrierError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CarrierError) return error;
    throw error;
  }
  throw new Error('expected a CarrierError');
}

const paris = {
  name: 'Victor Hugo',
  lines: ['6 Place des Vosges'],
  city: 'Paris',
  postalCode: '75004',
  countryCode: 'FR',
};
const lyon = {
  company: 'Akretion',
  lines: ['27 rue Henri Rolland', 'Batiment B'],
  city: 'Villeurbanne',
  postalCode: '69100',
  countryCode: 'FR',
  phone: '+33482538457',
};

describe('Colissimo labels: generateLabel request', () => {
  const req: CarrierLabelRequest = {
    service: serviceByCode('COL')!,
    shipper: lyon,
    recipient: { ...paris, phone: '+33600000000', email: 'hugo.victor@example.com' },
    parcels: [{ weight: { value: 1.2, unit: 'kg' } }],
    format: 'PDF',
    shipDate: '2025-04-01',
  };

  it('builds the fields the recorded request carries', () => {
    const recorded = loadFixture('colissimo/generateLabel-request.json').body as {
      outputFormat: Record<string, unknown>;
      letter: {
        service: Record<string, unknown>;
        parcel: Record<string, unknown>;
        addressee: { address: Record<string, unknown> };
      };
    };
    const body = buildLabelBody(req, '2000-01-01') as typeof recorded;
    expect(body.outputFormat).toEqual({
      x: 0,
      y: 0,
      outputPrintingType: recorded.outputFormat.outputPrintingType,
    });
    expect(body.letter.service.productCode).toBe(recorded.letter.service.productCode);
    expect(body.letter.service.depositDate).toBe(recorded.letter.service.depositDate);
    expect(body.letter.parcel.weight).toBe(recorded.letter.parcel.weight);
    const a = body.letter.addressee.address;
    const r = recorded.letter.addressee.address;
    for (const key of ['line2', 'countryCode', 'city', 'zipCode', 'mobileNumber', 'email'] as const)
      expect(a[key]).toBe(r[key]);
    expect(body).not.toHaveProperty('contractNumber');
  });

  it('puts contract credentials at the top of the body only when given', () => {
    const body = buildLabelBody(req, '2025-04-01', { contractNumber: '123456', password: 'pw' });
    expect(Object.keys(body).slice(0, 2)).toEqual(['contractNumber', 'password']);
  });

  it('asks ZPL as ZPL_10x15_203dpi and converts pounds to kg rounded up at 2 decimals', () => {
    const body = buildLabelBody(
      { ...req, format: 'ZPL', parcels: [{ weight: { value: 2, unit: 'lb' } }] },
      '2025-04-01',
    ) as {
      outputFormat: { outputPrintingType: string };
      letter: { parcel: { weight: number } };
    };
    expect(body.outputFormat.outputPrintingType).toBe('ZPL_10x15_203dpi');
    // 2 lb = 0.90718474 kg -> 0.91
    expect(body.letter.parcel.weight).toBe(0.91);
  });

  it('converts units exactly at the carrier precision', () => {
    expect(toKg({ value: 1, unit: 'lb' })).toBe('0.46');
    expect(toKg({ value: 16, unit: 'oz' })).toBe('0.46');
    expect(toKg({ value: 1200, unit: 'g' })).toBe('1.20');
    expect(toKg({ value: 1201, unit: 'g' })).toBe('1.21');
    expect(toKg({ value: 0.1, unit: 'kg' })).toBe('0.10');
  });
});

describe('Colissimo labels: multipart/related answer', () => {
  it('reads the tracking number and the raw PDF of the recorded answer', () => {
    const parsed = boughtLabel(
      who,
      parseLabelResponse(fixtureResponse('colissimo/generateLabel-response-multipart.json'), who, 'PDF'),
    );
    expect(parsed.trackingNumber).toBe('9V34929818514');
    expect(parsed.warnings).toContain('partner parcel number 0075004119V3492981851802250N');
    expect(parsed.format).toBe('PDF');
    const text = new TextDecoder().decode(parsed.document);
    expect(text.startsWith('%PDF-1.3')).toBe(true);
    expect(text.endsWith('%%EOF\n')).toBe(true);
  });

  it('takes the boundary from the content type, quoted or not', () => {
    expect(
      boundaryOf('multipart/related; type="application/json"; boundary="uuid:a-b"; start="<jsonInfos>"'),
    ).toBe('uuid:a-b');
    expect(boundaryOf('multipart/related; boundary=abc; type=x')).toBe('abc');
    expect(boundaryOf('application/json')).toBeUndefined();
  });

  it('is binary-safe: every byte value, CRLF and dashes inside the label survive', () => {
    const label = new Uint8Array(4096);
    for (let i = 0; i < label.length; i++) label[i] = (i * 7 + 13) % 256;
    label.set(new TextEncoder().encode('\r\n--uuid:x\r\n'.replace('uuid:x', 'uuid:y')), 100);
    const enc = new TextEncoder();
    const head = enc.encode(
      '\r\n--B1\r\nContent-ID: <jsonInfos>\r\n\r\n{"messages":[]}\r\n--B1\r\nContent-ID: <label>\r\n\r\n',
    );
    const tail = enc.encode('\r\n--B1--');
    const body = new Uint8Array(head.length + label.length + tail.length);
    body.set(head, 0);
    body.set(label, head.length);
    body.set(tail, head.length + label.length);
    const parts = parseMultipart(body, 'B1');
    expect(parts).toHaveLength(2);
    expect(partById(parts, 'label')?.body).toEqual(label);
  });

  it('classifies 30000 in the multipart envelope (bare LF) as a misconfigured auth refusal', () => {
    const res = fixtureResponse('colissimo/error-30000-bad-credentials-multipart.json');
    expect(decodeError(res)).toEqual({
      failureClass: 'misconfigured',
      code: '30000',
      message: 'Identifiant ou mot de passe incorrect',
      auth: true,
    });
    // The same body inside a 200 is thrown by the label parser with the same verdict.
    const ok = upstreamResponse(200, res.headers, res.body);
    const error = thrown(() => parseLabelResponse(ok, who, 'PDF'));
    expect([error.failureClass, error.code, error.auth, error.outcome]).toEqual([
      'misconfigured',
      '30000',
      true,
      'rejected',
    ]);
  });

  it('a 200 with a parcel number and no label part is a bought label without its document', () => {
    const res = upstreamResponse(
      200,
      new Headers({ 'content-type': 'multipart/related; boundary="B"' }),
      new TextEncoder().encode(
        '--B\r\nContent-ID: <jsonInfos>\r\n\r\n{"messages":[{"id":"0","type":"INFOS"}],"labelV2Response":{"parcelNumber":"6A1"}}\r\n--B--',
      ),
    );
    const label = boughtLabel(who, parseLabelResponse(res, who, 'PDF'));
    expect(label).toMatchObject({ trackingNumber: '6A1', missingDocument: { reason: 'missing' } });
  });
});

describe('Colissimo error codes', () => {
  it.each([
    ['colissimo/error-30301-bad-weight.json', '30301', 'Le poids du colis est incorrect'],
    ['colissimo/error-30300-no-weight.json', '30300', "Le poids du colis n'a pas été transmis"],
    ['colissimo/error-30015-bad-product.json', '30015', 'Le code produit est incorrect'],
    [
      'colissimo/error-30213-bad-destination.json',
      '30213',
      'Le code pays ou le code postal du destinataire est incorrect pour le code produit fourni',
    ],
    [
      'colissimo/error-30109-bad-sender.json',
      '30109',
      'Le pays ou code postal expéditeur ne permet pas d’effectuer un envoi',
    ],
  ])('%s is a rejection with code %s', (file, code, message) => {
    expect(decodeError(fixtureResponse(file))).toEqual({ failureClass: 'rejected', code, message });
  });

  it('a 30000 as plain JSON with 401 is still misconfigured + auth', () => {
    const res = upstreamResponse(
      401,
      new Headers({ 'content-type': 'application/json' }),
      new TextEncoder().encode(
        '{"messages":[{"id":"30000","type":"ERROR","messageContent":"Identifiant ou mot de passe incorrect"}]}',
      ),
    );
    expect(decodeError(res)).toMatchObject({ failureClass: 'misconfigured', code: '30000', auth: true });
  });

  it('HTML error pages and 5xx are unavailable', () => {
    const html = upstreamResponse(
      503,
      new Headers({ 'content-type': 'text/html' }),
      new TextEncoder().encode('<html><body>Service Unavailable</body></html>'),
    );
    expect(decodeError(html)).toMatchObject({ failureClass: 'unavailable', code: '503' });
    const bare = upstreamResponse(502, new Headers(), new Uint8Array());
    expect(decodeError(bare)).toMatchObject({ failureClass: 'unavailable', code: '502' });
  });

  it('an unparseable 4xx is unavailable, not a rejection', () => {
    const res = upstreamResponse(
      400,
      new Headers({ 'content-type': 'application/json' }),
      new TextEncoder().encode('{"messages":'),
    );
    expect(decodeError(res).failureClass).toBe('unavailable');
  });
});

describe('La Poste Suivi v2 tracking', () => {
  it('maps the recorded delivered shipment', () => {
    const t = parseTrackingResponse(
      fixtureResponse('laposte/suivi-200-delivered.json'),
      'EW112720413FR',
      who,
    );
    expect(t.trackingNumber).toBe('EW112720413FR');
    expect(t.status).toBe('delivered');
    expect(t.events).toHaveLength(9);
    expect(t.events[0]).toEqual({
      at: '2023-03-09T09:38:00+01:00',
      status: 'delivered',
      description: 'Votre colis est livré.',
      code: 'DI1',
    });
    expect(t.events.map((e) => e.status)).toEqual([
      'delivered',
      'out_for_delivery',
      'in_transit',
      'in_transit',
      'in_transit',
      'in_transit',
      'in_transit',
      'in_transit',
      'pre_transit',
    ]);
  });

  it('picks the asked id out of a 207 and throws 104 for the other', () => {
    const res = fixtureResponse('laposte/suivi-207-mixed.json');
    expect(parseTrackingResponse(res, 'EW112720413FR', who).status).toBe('delivered');
    const error = thrown(() => parseTrackingResponse(res, '6S00993561113', who));
    expect([error.failureClass, error.code]).toEqual(['rejected', '104']);
    expect(error.message).toMatch(/pas encore disponible/);
  });

  it('decodes 400, 404/104, the Okapi quota and a bodiless 401', () => {
    expect(decodeError(fixtureResponse('laposte/suivi-400-invalid.json'))).toMatchObject({
      failureClass: 'rejected',
      code: '400',
    });
    expect(decodeError(fixtureResponse('laposte/suivi-404-not-yet.json'))).toMatchObject({
      failureClass: 'rejected',
      code: '104',
    });
    expect(decodeError(fixtureResponse('laposte/okapi-429-quota.json'))).toEqual({
      failureClass: 'throttled',
      code: 'TOO_MANY_REQUESTS',
      message: 'max quota reached (100 calls per 1s)',
      retryAfterMs: 1000,
    });
    expect(decodeError(fixtureResponse('laposte/okapi-401.json'))).toMatchObject({
      failureClass: 'misconfigured',
      code: '401',
      auth: true,
    });
  });

  it('honours Retry-After over the quota window', () => {
    const res = upstreamResponse(
      429,
      new Headers({ 'content-type': 'application/json', 'retry-after': '7' }),
      new TextEncoder().encode(
        '{"code":"TOO_MANY_REQUESTS","message":"max quota reached (100 calls per 1s)"}',
      ),
    );
    expect(decodeError(res).retryAfterMs).toBe(7000);
  });

  it('maps event codes and builds the comma-separated path', () => {
    expect(statusOfEventCode('MD2')).toBe('out_for_delivery');
    expect(statusOfEventCode('ND1')).toBe('exception');
    expect(statusOfEventCode('ZZ9')).toBe('unknown');
    expect(trackingPath(['A1', 'B 2'])).toBe('/suivi/v2/idships/A1,B%202');
  });
});

describe('rates from the dated table', () => {
  const base: RateRequest = {
    shipper: lyon,
    recipient: paris,
    parcels: [{ weight: { value: 1, unit: 'kg' } }],
  };

  it('quotes France home delivery from the sourced 2023 table, as decimal strings', () => {
    const rates = quote(base);
    expect(rates.map((r) => [r.service.code, r.service.level, r.total.amount, r.total.currency])).toEqual([
      ['DOM', 'standard', '8.25', 'EUR'],
      ['DOS', 'standard', '9.75', 'EUR'],
    ]);
    expect(rates[0]?.warnings).toBeUndefined();
    expect(rates[1]?.warnings?.[0]).toMatch(/indicative/);
  });

  it('band edges are inclusive and weights are billed rounded up', () => {
    const france = RATE_TABLE.home.france;
    expect(bandPrice(france, '0.25')).toBe('4.95');
    expect(bandPrice(france, '0.26')).toBe('6.70');
    expect(bandPrice(france, '30')).toBe('33.40');
    expect(bandPrice(france, '30.01')).toBeUndefined();
    // 251 g bills as 0.26 kg -> the 500 g band.
    expect(quote({ ...base, parcels: [{ weight: { value: 251, unit: 'g' } }] })[0]?.total.amount).toBe(
      '6.70',
    );
  });

  it('sums parcels exactly and filters by service level', () => {
    const two = quote({
      ...base,
      parcels: [{ weight: { value: 0.2, unit: 'kg' } }, { weight: { value: 4, unit: 'kg' } }],
    });
    expect(two[0]?.total.amount).toBe('19.60');
    expect(quote({ ...base, services: ['express'] })).toEqual([]);
  });

  it('quotes Outre-mer (COM/CDS/ECO), Europe and the world by zone', () => {
    const om = quote({ ...base, recipient: { ...paris, countryCode: 'RE', postalCode: '97400' } });
    expect(om.map((r) => [r.service.code, r.service.level])).toEqual([
      ['COM', 'standard'],
      ['CDS', 'standard'],
      ['ECO', 'economy'],
    ]);
    const de = quote({ ...base, recipient: { ...paris, countryCode: 'DE', postalCode: '10115' } });
    expect(de[0]?.total.amount).toBe(RATE_TABLE.home.europe.bands[1]?.price);
    const us = quote({ ...base, recipient: { ...paris, countryCode: 'US', postalCode: '10001' } });
    expect(us[0]?.total.amount).toBe(RATE_TABLE.home.world.bands[1]?.price);
  });
});

describe('profile', () => {
  it('declares two hosts, both auth methods with the Okapi key, and table rates', () => {
    expect(Object.keys(carrier.hosts).sort()).toEqual(['default', 'tracking']);
    expect(carrier.auth.methods.api_key).toEqual({ kind: 'api_key', header: 'apiKey', field: 'apiKey' });
    expect(carrier.auth.credentialFields.body_credentials).toEqual([
      'contractNumber',
      'password',
      'okapiKey',
    ]);
    expect(carrier.auth.credentialFields.api_key).toContain('okapiKey');
    expect(carrier.rateSource).toBe('table');
    expect(carrier.labelFormats).toEqual(['PDF', 'ZPL']);
  });

  it('serves routes from France, Monaco and Andorra only', () => {
    expect(carrier.servesRoute({ from: 'FR', to: 'FR' })).toBe(true);
    expect(carrier.servesRoute({ from: 'MC', to: 'US' })).toBe(true);
    expect(carrier.servesRoute({ from: 'US', to: 'FR' })).toBe(false);
  });

  it('maps products to unified levels', () => {
    expect(serviceByCode('DOM')?.level).toBe('standard');
    expect(serviceByCode('J+1')?.level).toBe('express');
    expect(serviceByCode('ECO')?.level).toBe('economy');
  });
});
