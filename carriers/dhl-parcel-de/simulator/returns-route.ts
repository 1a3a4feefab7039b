/**
 * The Parcel DE Returns API (pp-parcel-returns.yaml 1.1.0): `POST
 * /parcel/de/shipping/returns/v1/orders` behind the same bearer token as the shipping API.
 * Checks the ReturnOrder schema (receiverId and the shipper's name1, addressStreet,
 * addressHouse, postalCode, city are required; itemWeight in g or kg up to 31,500), answers
 * 201 with `sstatus`, `shipmentNo`, `label` (base64 PDF, or `zpl2` text) and `routingCode`,
 * errors as JSONStatus problems `{title, status, detail}`. Receivers: one per country of the
 * spec's Country enum, named by its lower-case alpha-3 code ('deu', 'fra'), as the spec's
 * examples name them; the real ones are whatever the business customer portal sets up.
 */
import type { Context, Hono } from 'hono';
import { guardedAccount, jsonResponse, type SimContext } from '../../../sandbox/kit/index.ts';
import { RETURNS_PATH } from '../profile.ts';
import { problem } from './renderer.ts';

/** The spec's `Country` enum: the shipper countries a return label can be ordered for. */
const RECEIVERS = new Set(
  'bel bgr dnk deu est fin fra grc gbr irl ita hrv lva ltu lux mlt nld nor aut pol prt rou swe che svk svn esp cze hun cyp'.split(
    ' ',
  ),
);
const LABEL_TYPES = new Set(['SHIPMENT_LABEL', 'QR_LABEL', 'BOTH']);
const DOC_FORMATS = new Set(['PDF', 'ZPL2']);
const POSTAL_CODE = /^[0-9A-Za-z]+([ -]?[0-9A-Za-z]+)*$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'string' && v.length >= min && v.length <= max;

const badRequest = (detail: string): Response =>
  problem(400, { title: 'Bad Request', status: 400, detail: detail.slice(0, 80) });

/** The first schema violation of a ReturnOrder, as the API's detail would name it. */
function violation(body: unknown): string | undefined {
  if (!isObject(body)) return 'The request body must be a JSON object.';
  if (!text(body.receiverId, 1, 50)) return 'receiverId is required.';
  if (body.customerReference !== undefined && !text(body.customerReference, 0, 50))
    return 'customerReference must be at most 50 characters.';
  const s = body.shipper;
  if (!isObject(s)) return 'shipper is required.';
  const limits: [string, number, number][] = [
    ['name1', 1, 50],
    ['addressStreet', 1, 50],
    ['addressHouse', 1, 10],
    ['postalCode', 3, 10],
    ['city', 1, 40],
  ];
  for (const [key, min, max] of limits) {
    if (!text(s[key], min, max)) return `shipper.${key} is required (${min}-${max} characters).`;
  }
  if (!POSTAL_CODE.test(String(s.postalCode))) return 'shipper.postalCode is not a valid postal code.';
  const w = body.itemWeight;
  if (w !== undefined) {
    if (!isObject(w) || (w.uom !== 'g' && w.uom !== 'kg') || typeof w.value !== 'number')
      return 'itemWeight needs uom (g or kg) and a numeric value.';
    const grams = w.uom === 'kg' ? w.value * 1000 : w.value;
    if (grams <= 0 || grams > 31_500) return 'itemWeight must be above 0 and at most 31500 g.';
  }
  return undefined;
}

export function registerReturns(app: Hono, sim: SimContext): void {
  let sequence = 0;
  app.post(RETURNS_PATH, async (c: Context) => {
    const account = guardedAccount(c)!;
    const labelType = c.req.query('labelType') ?? 'BOTH';
    const docFormat = c.req.query('docFormat') ?? 'PDF';
    if (!LABEL_TYPES.has(labelType)) return badRequest('labelType must be SHIPMENT_LABEL, QR_LABEL or BOTH.');
    if (!DOC_FORMATS.has(docFormat)) return badRequest('docFormat must be ZPL2 or PDF.');
    const body: unknown = await c.req.json().catch(() => null);
    const wrong = violation(body);
    if (wrong) return badRequest(wrong);
    const order = body as Json & { shipper: Json };
    const receiverId = String(order.receiverId);
    if (!RECEIVERS.has(receiverId)) {
      return problem(422, {
        title: 'Unprocessable',
        status: 422,
        detail: `Unknown receiverId ${receiverId}.`,
      });
    }
    sequence += 1;
    // The spec's number range "99999XXXXXXC": twelve digits, 99999 first.
    const shipmentNo = `99999${String(sequence).padStart(6, '0')}${sequence % 10}`;
    const reference = typeof order.customerReference === 'string' ? order.customerReference : undefined;
    const record = sim.labels.create({
      accountId: account.id,
      trackingNumber: shipmentNo,
      ...(reference ? { reference } : {}),
      service: 'RETOURE',
      format: docFormat === 'ZPL2' ? 'ZPL' : 'PDF',
      meta: { receiverId, city: String(order.shipper.city) },
    });
    const lines = [
      record.trackingNumber,
      'DHL Retoure',
      String(order.shipper.name1),
      `${String(order.shipper.addressStreet)} ${String(order.shipper.addressHouse)}`,
      `${String(order.shipper.postalCode)} ${String(order.shipper.city)}`,
      `to receiver ${receiverId}${reference ? `, ref ${reference.slice(0, 30)}` : ''}`,
    ];
    const document =
      docFormat === 'ZPL2'
        ? { zpl2: sim.documents.zpl(lines) }
        : { b64: Buffer.from(sim.documents.pdf(lines)).toString('base64') };
    const qr = labelType === 'SHIPMENT_LABEL' ? {} : { qrLink: `https://sandbox.invalid/qr/${shipmentNo}` };
    return jsonResponse(
      c,
      {
        sstatus: { title: 'Created', status: 201, detail: 'Created' },
        shipmentNo,
        ...(labelType === 'QR_LABEL' ? {} : { label: document }),
        ...qr,
        routingCode: '40327653113+99000933090010',
      },
      { status: 201 },
    );
  });
}
