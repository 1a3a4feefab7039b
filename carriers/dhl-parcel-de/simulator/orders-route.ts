/**
 * `POST /parcel/de/shipping/v2/orders`: 200 for one shipment, 207 multi-status for several
 * (each item with its `sstatus`), 400 when nothing could be created; `validate=true` checks
 * without creating; PDF labels base64 in `label.b64`, ZPL2 as text in `label.zpl2`, or with
 * includeDocs=URL a `label.url` link served by GET .../labels?token=.
 */
import type { Context, Hono } from 'hono';
import { guardedAccount, jsonResponse, type SimContext } from '../../../sandbox/kit/index.ts';
import { ORDERS_PATH, SHIPPING_BASE } from '../profile.ts';
import { checkShipment, schemaErrors } from './order-validation.ts';
import { problem } from './renderer.ts';

const DOC_FORMATS: Record<string, string> = { PDF: 'PDF', ZPL2: 'ZPL' };
const LABELS_PATH = `${SHIPPING_BASE}/labels`;

/** Stores the document and answers the link a client fetches it from (under the simulator's mount). */
function link(c: Context, sim: SimContext, linked: Linked, format: string, lines: string[]): string {
  const token = crypto.randomUUID().replaceAll('-', '');
  const doc = sim.documents.render(format, lines);
  linked.set(token, { bytes: doc.bytes, mediaType: doc.mediaType });
  return `${new URL(c.req.url).origin}/${sim.carrier}${LABELS_PATH}?token=${token}`;
}

type Json = Record<string, unknown>;

function badRequest(items: unknown[], detail: string): Response {
  return problem(400, { status: { title: 'Bad Request', statusCode: 400, status: 400, detail }, items });
}

/** Documents served by link (includeDocs=URL): token -> bytes and media type. */
type Linked = Map<string, { bytes: Uint8Array; mediaType: string }>;

export function registerOrders(app: Hono, sim: SimContext): void {
  const linked: Linked = new Map();
  // The link DHL gives with includeDocs=URL: `.../labels?token=...` on the shipping host.
  app.get(LABELS_PATH, (c) => {
    const doc = linked.get(c.req.query('token') ?? '');
    if (!doc)
      return problem(404, {
        title: 'Not Found',
        statusCode: 404,
        status: 404,
        detail: 'Unknown label token.',
      });
    // A copy: a small Buffer is a view into Node's shared pool, whose whole slab `.buffer` is.
    return new Response(new Uint8Array(doc.bytes), {
      status: 200,
      headers: { 'content-type': doc.mediaType },
    });
  });
  app.post(ORDERS_PATH, async (c: Context) => {
    const account = guardedAccount(c)!;
    const docFormat = c.req.query('docFormat') ?? 'PDF';
    const format = DOC_FORMATS[docFormat];
    if (!format)
      return badRequest(
        [{ propertyPath: 'docFormat', message: 'Parameter docFormat must be one of ZPL2, PDF.' }],
        'Invalid query parameter.',
      );
    const validateOnly = c.req.query('validate') === 'true';
    const mustEncode = c.req.query('mustEncode') === 'true';
    const body: unknown = await c.req.json().catch(() => null);
    const schema = schemaErrors(body);
    if (schema.length) return badRequest(schema, 'JSON schema validation failed.');

    const shipments = (body as { shipments: Json[] }).shipments;
    let created = 0;
    const items = shipments.map((s) => {
      const { errors, warnings } = checkShipment(s, account.settings?.ekp, mustEncode);
      if (errors.length) {
        return {
          sstatus: { title: 'Bad Request', statusCode: 400, status: 400 },
          validationMessages: [...errors, ...warnings],
        };
      }
      const messages = warnings.length ? { validationMessages: warnings } : {};
      if (validateOnly) return { sstatus: { title: 'OK', statusCode: 200, status: 200 }, ...messages };
      created++;
      const consignee = s.consignee as Json;
      const reference =
        typeof s.refNo === 'string' ? s.refNo : typeof s.costCenter === 'string' ? s.costCenter : undefined;
      const record = sim.labels.create({
        accountId: account.id,
        ...(reference ? { reference } : {}),
        service: String(s.product),
        format,
        meta: {
          city: String(consignee.city),
          postalCode: String(consignee.postalCode ?? ''),
          country: String(consignee.country),
        },
      });
      const lines = [
        record.trackingNumber,
        `DHL ${String(s.product)}`,
        `${String(consignee.name1)}`,
        `${String(consignee.addressStreet)}`,
        `${String(consignee.postalCode ?? '')} ${String(consignee.city)} ${String(consignee.country)}`,
      ];
      const printFormat = c.req.query('printFormat') ?? '910-300-710';
      const label =
        c.req.query('includeDocs') === 'URL'
          ? {
              url: link(c, sim, linked, format, lines),
              fileFormat: format === 'ZPL' ? 'ZPL2' : 'PDF',
              printFormat,
            }
          : format === 'ZPL'
            ? { zpl2: sim.documents.zpl(lines), fileFormat: 'ZPL2', printFormat }
            : {
                b64: Buffer.from(sim.documents.pdf(lines)).toString('base64'),
                fileFormat: 'PDF',
                printFormat,
              };
      return {
        shipmentNo: record.trackingNumber,
        routingCode: `40327653113+99000943058020`,
        sstatus: { title: 'OK', statusCode: 200, status: 200 },
        ...(reference ? { shipmentRefNo: reference } : {}),
        label,
        ...messages,
      };
    });

    const total = shipments.length;
    const ok = items.filter((i) => i.sstatus.statusCode === 200).length;
    const noun = total === 1 ? 'shipment' : 'shipments';
    const detail = validateOnly
      ? `${ok} of ${total} ${noun} successfully validated.`
      : `${created} of ${total} ${noun} successfully created.`;
    if (total > 1) {
      return jsonResponse(
        c,
        { status: { title: 'Multistatus', statusCode: 207, status: 207, detail }, items },
        { status: 207 },
      );
    }
    if (ok === 0) return badRequest(items, detail);
    return jsonResponse(c, { status: { title: 'OK', statusCode: 200, status: 200, detail }, items });
  });
}
