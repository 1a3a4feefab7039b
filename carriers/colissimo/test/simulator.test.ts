import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import { upstreamResponse } from '../../../src/upstream/response.ts';
import { decodeError } from '../mapping/errors.ts';
import { createSimulator } from '../simulator/index.ts';
import {
  API_KEY,
  CHECK,
  CONTRACT,
  GENERATE,
  labelBody,
  multipartOf,
  OKAPI_KEY,
  post,
  track,
} from './sim-client.ts';

let sandbox: Sandbox;
let base: string;

beforeAll(async () => {
  sandbox = await startSandbox({ simulators: { colissimo: createSimulator } });
  base = sandbox.baseUrl('colissimo');
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.control.reset('colissimo'));

async function decoded(res: Response) {
  return decodeError(upstreamResponse(res.status, res.headers, new Uint8Array(await res.arrayBuffer())));
}

async function buyLabel(printing = 'PDF_10x15_300dpi'): Promise<string> {
  const res = await post(base, GENERATE, { ...CONTRACT, ...labelBody({ printing }) });
  const { info } = await multipartOf(res);
  return (info as { labelV2Response: { parcelNumber: string } }).labelV2Response.parcelNumber;
}

describe('generateLabel: the multipart/related quirk', () => {
  it('answers 200 multipart/related with a JSON part and a RAW binary PDF part', async () => {
    const res = await post(base, GENERATE, { ...CONTRACT, ...labelBody() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(
      /^multipart\/related; type="application\/json"; boundary="uuid:[0-9a-f-]+"; start="<jsonInfos>"$/,
    );
    const { raw, parts, info, label } = await multipartOf(res);
    // The recorded framing starts with a CRLF preamble.
    expect([raw[0], raw[1]]).toEqual([13, 10]);
    expect(parts.map((p) => p.headers['content-id'])).toEqual(['<jsonInfos>', '<label>']);
    expect(parts[1]?.headers['content-type']).toBe('application/octet-stream');
    expect(info).toMatchObject({ messages: [{ id: '0', type: 'INFOS' }], labelXmlV2Reponse: null });
    const parcelNumber = (info as { labelV2Response: { parcelNumber: string } }).labelV2Response.parcelNumber;
    expect(parcelNumber).toMatch(/^[0-9A-Z]{2}\d{11}$/);
    // Raw bytes, not base64.
    expect(new TextDecoder().decode(label!.subarray(0, 5))).toBe('%PDF-');
    const labels = await sandbox.control.labels('colissimo');
    expect(labels.map((l) => [l.trackingNumber, l.service, l.format])).toEqual([
      [parcelNumber, 'DOM', 'PDF'],
    ]);
  });

  it('accepts the apiKey header instead of body credentials, and prints ZPL', async () => {
    const res = await post(base, GENERATE, labelBody({ printing: 'ZPL_10x15_203dpi' }), { apiKey: API_KEY });
    expect(res.status).toBe(200);
    const { label } = await multipartOf(res);
    const zpl = new TextDecoder().decode(label);
    expect(zpl.startsWith('^XA')).toBe(true);
    expect(zpl.trimEnd().endsWith('^XZ')).toBe(true);
  });

  it('refuses bad or missing credentials with 30000 wrapped in the multipart envelope', async () => {
    for (const creds of [{ ...CONTRACT, password: 'wrong' }, {}]) {
      const res = await post(base, GENERATE, { ...creds, ...labelBody() });
      expect(res.status).toBe(400);
      const { parts, info } = await multipartOf(res);
      expect(parts).toHaveLength(1);
      expect(info).toEqual({
        messages: [
          {
            id: '30000',
            type: 'ERROR',
            messageContent: 'Identifiant ou mot de passe incorrect',
            replacementValues: [],
          },
        ],
      });
    }
    const wrongKey = await post(base, GENERATE, labelBody(), { apiKey: 'nope' });
    expect((await multipartOf(wrongKey)).info).toMatchObject({ messages: [{ id: '30000' }] });
    expect(await sandbox.control.labels('colissimo')).toEqual([]);
  });
});

describe('generateLabel: request validation in the SLS error shape', () => {
  it.each([
    ['weight missing (0)', labelBody({ weight: 0 }), '30300'],
    ['weight over 30 kg', labelBody({ weight: 35 }), '30301'],
    [
      'unknown product',
      labelBody({ letter: { service: { productCode: 'INVALID_PRODUCT', depositDate: '2025-01-01' } } }),
      '30015',
    ],
    [
      'French postcode 99999 with DOM',
      labelBody({
        letter: {
          addressee: {
            address: {
              lastName: 'Hugo',
              line2: '6 Place des Vosges',
              city: 'Paris',
              zipCode: '99999',
              countryCode: 'FR',
            },
          },
        },
      }),
      '30213',
    ],
    [
      'overseas product to France',
      labelBody({ letter: { service: { productCode: 'COM', depositDate: '2025-01-01' } } }),
      '30213',
    ],
    [
      'sender outside France',
      labelBody({
        letter: {
          sender: {
            address: {
              lastName: 'X',
              line2: '1 Main St',
              city: 'Atlanta',
              zipCode: '30301',
              countryCode: 'US',
            },
          },
        },
      }),
      '30109',
    ],
    [
      'addressee city missing',
      labelBody({
        letter: {
          addressee: {
            address: { lastName: 'Hugo', line2: '6 Place des Vosges', zipCode: '75004', countryCode: 'FR' },
          },
        },
      }),
      '30220',
    ],
    ['unknown printing type', labelBody({ printing: 'PNG_10x15' }), '30400'],
  ])('%s -> 400 %s', async (_name, body, code) => {
    const res = await post(base, GENERATE, { ...CONTRACT, ...body });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    const json = (await res.json()) as { messages: { id: string; type: string; messageContent: string }[] };
    expect(json.messages[0]).toMatchObject({ id: code, type: 'ERROR' });
    expect(json.messages[0]?.messageContent.length).toBeGreaterThan(0);
  });

  it('checkGenerateLabel validates the same body without creating a label', async () => {
    const ok = await post(base, CHECK, { ...CONTRACT, ...labelBody() });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      messages: [
        {
          id: '0',
          type: 'INFOS',
          messageContent: 'La requête a été traitée avec succès',
          replacementValues: [],
        },
      ],
    });
    const bad = await post(base, CHECK, { ...CONTRACT, ...labelBody({ weight: 35 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { messages: { id: string }[] }).messages[0]?.id).toBe('30301');
    expect(await sandbox.control.labels('colissimo')).toEqual([]);
  });
});

describe('Suivi v2 tracking', () => {
  it('tracks a label just bought: an array of one 200 entry, events newest first', async () => {
    const id = await buyLabel();
    const res = await track(base, id);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      returnCode: number;
      shipment: { idShip: string; holder: number; event: { code: string; date: string }[] };
    }[];
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({
      returnCode: 200,
      lang: 'fr_FR',
      scope: 'open',
      shipment: { idShip: id, holder: 4, isFinal: false },
    });
    expect(body[0]?.shipment.event[0]?.code).toBe('DR1');
    expect(body[0]?.shipment.event[0]?.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  });

  it('answers 104 (HTTP 404) for an unknown id, 400 for an invalid one, 207 for mixed results', async () => {
    const id = await buyLabel();
    const unknown = await track(base, '6A00000000000');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ returnCode: 104, idShip: '6A00000000000' });
    const invalid = await track(base, 'abc');
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ returnCode: 400, idShip: 'abc' });
    const mixed = await track(base, `${id},6A00000000000`);
    expect(mixed.status).toBe(207);
    expect(((await mixed.json()) as { returnCode: number }[]).map((e) => e.returnCode)).toEqual([200, 104]);
  });

  it('wants Accept: application/json, at most 10 ids, and a known X-Okapi-Key', async () => {
    expect(
      (await track(base, '6A00000000000', { 'x-okapi-key': OKAPI_KEY, accept: 'application/xml' })).status,
    ).toBe(400);
    const eleven = Array.from({ length: 11 }, (_, i) => `6A0000000000${i % 10}`).join(',');
    expect((await track(base, eleven)).status).toBe(400);
    const refused: Record<string, string>[] = [
      { accept: 'application/json' },
      { accept: 'application/json', 'x-okapi-key': 'bad' },
    ];
    for (const headers of refused) {
      const res = await track(base, '6A00000000000', headers);
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('');
    }
  });
});

describe('injected faults in the carrier shapes', () => {
  const inject = (endpoint: string, kind: string, params?: Record<string, number | string>) =>
    sandbox.control.injectFault({
      carrier: 'colissimo',
      target: 'api',
      endpoint,
      kind: kind as never,
      ...(params ? { params } : {}),
    });

  it('label: unauthorized is the 30000 envelope, misconfigured + auth', async () => {
    await inject('label', 'unauthorized');
    const res = await post(base, GENERATE, { ...CONTRACT, ...labelBody() });
    expect(res.status).toBe(400);
    expect(await decoded(res)).toMatchObject({ failureClass: 'misconfigured', code: '30000', auth: true });
  });

  it('label: throttled is a 429 with Retry-After in the SLS message shape', async () => {
    await inject('label', 'throttled', { retryAfter: 2 });
    const res = await post(base, GENERATE, { ...CONTRACT, ...labelBody() });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await decoded(res)).toMatchObject({ failureClass: 'throttled', code: '429', retryAfterMs: 2000 });
  });

  it.each([
    ['server_error', 503],
    ['html_error', 502],
  ])('label: %s is an Apache HTML page -> unavailable', async (kind, status) => {
    await inject('label', kind, { status });
    const res = await post(base, GENERATE, { ...CONTRACT, ...labelBody() });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await decoded(res)).toMatchObject({ failureClass: 'unavailable', code: String(status) });
  });

  it('label: malformed_json answers 200 with a cut-off body', async () => {
    await inject('label', 'malformed_json');
    const res = await post(base, GENERATE, { ...CONTRACT, ...labelBody() });
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it('label: slow still answers with a label', async () => {
    await inject('label', 'slow', { delayMs: 50 });
    const res = await post(base, GENERATE, { ...CONTRACT, ...labelBody() });
    expect(res.status).toBe(200);
  });

  it('label: reset_after_processing drops the connection after the label was created', async () => {
    await inject('label', 'reset_after_processing');
    await expect(post(base, GENERATE, { ...CONTRACT, ...labelBody() })).rejects.toThrow();
    expect(await sandbox.control.labels('colissimo')).toHaveLength(1);
  });

  it('check: faults apply to checkGenerateLabel by its own endpoint name', async () => {
    await inject('check', 'unauthorized');
    const res = await post(base, CHECK, { ...CONTRACT, ...labelBody() });
    expect(await decoded(res)).toMatchObject({ failureClass: 'misconfigured', auth: true });
  });

  it('track: unauthorized is the bodiless Okapi 401', async () => {
    await inject('track', 'unauthorized');
    const res = await track(base, '6A00000000000');
    expect(res.status).toBe(401);
    expect(await decoded(res)).toMatchObject({ failureClass: 'misconfigured', code: '401', auth: true });
  });

  it('track: throttled is the TOO_MANY_REQUESTS quota body', async () => {
    await inject('track', 'throttled', { retryAfter: 3 });
    const res = await track(base, '6A00000000000');
    expect(res.status).toBe(429);
    const body = await res.clone().json();
    expect(body).toEqual({ code: 'TOO_MANY_REQUESTS', message: 'max quota reached (100 calls per 1s)' });
    expect(await decoded(res)).toMatchObject({
      failureClass: 'throttled',
      code: 'TOO_MANY_REQUESTS',
      retryAfterMs: 3000,
    });
  });

  it('track: server_error -> unavailable', async () => {
    await inject('track', 'server_error', { status: 500 });
    const res = await track(base, '6A00000000000');
    expect(res.status).toBe(500);
    expect(await decoded(res)).toMatchObject({ failureClass: 'unavailable' });
  });

  it('counts API answers per endpoint and status', async () => {
    await buyLabel();
    await track(base, '6A00000000000');
    const stats = await sandbox.control.stats('colissimo');
    expect(stats.apiCalls.label?.['200']).toBe(1);
    expect(stats.apiCalls.track?.['404']).toBe(1);
    expect(stats.labelsCreated).toBe(1);
  });
});
