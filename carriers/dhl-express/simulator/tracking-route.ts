/** `GET /shipments/{awb}/tracking`: the kit's synthetic history in MyDHL checkpoint codes. */
import type { Context, Hono } from 'hono';
import {
  jsonResponse,
  type SimAccount,
  type SimContext,
  type SimTrackingEvent,
} from '../../../sandbox/kit/index.ts';
import { mydhlProblem } from './problems.ts';

const VIEWS = [
  'all-checkpoints',
  'all-checkpoints-with-remarks',
  'last-checkpoint',
  'shipment-details-only',
  'advance-shipment',
  'bbx-children',
];

/** Kit event code -> MyDHL typeCode and wording. */
const CHECKPOINT: Record<
  string,
  { typeCode: string; description: (where: string) => string; at: 'from' | 'to' }
> = {
  LC: { typeCode: 'SA', description: () => 'Shipment information received', at: 'from' },
  PU: { typeCode: 'PU', description: () => 'Shipment picked up', at: 'from' },
  IT: { typeCode: 'AF', description: (w) => `Arrived at DHL Sort Facility - ${w}`, at: 'from' },
  OD: { typeCode: 'WC', description: () => 'Shipment is out with courier for delivery', at: 'to' },
  DL: { typeCode: 'OK', description: () => 'Delivered', at: 'to' },
};

function toCheckpoint(e: SimTrackingEvent, meta: Record<string, unknown>) {
  const cp = CHECKPOINT[e.code] ?? {
    typeCode: 'PL',
    description: (w: string) => `Processed at- ${w}`,
    at: 'from' as const,
  };
  const where = String(meta[cp.at] ?? 'UNKNOWN-XX').toUpperCase();
  return {
    date: e.at.slice(0, 10),
    time: e.at.slice(11, 19),
    typeCode: cp.typeCode,
    description: cp.description(where),
    serviceArea: [{ code: where.slice(0, 3), description: where }],
  };
}

export function registerTracking(app: Hono, sim: SimContext, accountOf: (c: Context) => SimAccount): void {
  app.get('/shipments/:awb/tracking', (c) => {
    const awb = c.req.param('awb');
    const search = new URL(c.req.url).search;
    const instance = `/expressapi/shipments/${awb}/tracking${search}`;
    const view = c.req.query('trackingView');
    if (view !== undefined && !VIEWS.includes(view)) {
      return mydhlProblem(400, {
        instance,
        detail: `Parameters not having correct format: trackingView (valid parameters for trackingView are [${VIEWS.join(', ')}]`,
        title: 'Wrong format',
        message: 'Bad request',
      });
    }
    const record = sim.labels.find(awb);
    if (!record || record.accountId !== accountOf(c).id) {
      return mydhlProblem(404, {
        instance,
        detail: 'No data found',
        title: 'Not data found',
        message: 'Not data found',
      });
    }
    const events = (sim.labels.events(awb) ?? []).map((e) => toCheckpoint(e, record.meta));
    const [fromCity, fromCountry] = String(record.meta.from ?? '-').split(/-(?=[A-Z]{2}$)/);
    const [toCity, toCountry] = String(record.meta.to ?? '-').split(/-(?=[A-Z]{2}$)/);
    return jsonResponse(c, {
      shipments: [
        {
          shipmentTrackingNumber: awb,
          status: 'Success',
          shipmentTimestamp: new Date(record.createdAt).toISOString().slice(0, 19),
          productCode: record.service,
          shipperDetails: {
            name: '',
            postalAddress: { cityName: fromCity ?? '', countryCode: fromCountry ?? '' },
          },
          receiverDetails: {
            name: '',
            postalAddress: { cityName: toCity ?? '', countryCode: toCountry ?? '' },
          },
          events,
        },
      ],
    });
  });
}
