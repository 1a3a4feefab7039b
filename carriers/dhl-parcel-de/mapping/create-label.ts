/**
 * Buying a DHL Parcel DE label: a shipping order (labels.ts), or from abroad a DHL Retoure
 * return label (returns.ts). Once DHL answered 2xx with a shipment number the label is bought:
 * a document that is missing, not base64, shortened, or a link that cannot be fetched costs
 * the document, never the shipment numbers.
 */
import type { CarrierContext, CarrierLabel, CarrierLabelRequest } from '../../../src/carrier/definition.ts';
import { type DocumentRead, fetchDocument } from '../../../src/carrier/documents.ts';
import {
  boughtLabel,
  interpretAnswer,
  refusedBeforeSending,
  refusedInAnswer,
  unreadableAnswer,
} from '../../../src/carrier/outcomes.ts';
import { requireSetting } from '../../../src/carrier/settings.ts';
import { RETOURE } from '../profile.ts';
import { buildLabelRequest, type CreatedShipment, inlineDocument, readOrderAnswer } from './labels.ts';
import { buildReturnRequest, isReturn, ReturnInputError, readReturnAnswer } from './returns.ts';

/** The document of a created shipment, fetching it when DHL gave a link. */
async function documentOf(ctx: CarrierContext, shipment: CreatedShipment): Promise<DocumentRead> {
  const inline = inlineDocument(shipment);
  return 'url' in inline ? fetchDocument(ctx, inline.url, shipment.label?.fileFormat) : inline;
}

async function createReturnLabel(ctx: CarrierContext, req: CarrierLabelRequest): Promise<CarrierLabel> {
  let upstream: ReturnType<typeof buildReturnRequest>;
  try {
    upstream = buildReturnRequest(req, ctx.account.settings);
  } catch (err) {
    if (!(err instanceof ReturnInputError || err instanceof RangeError)) throw err;
    throw refusedBeforeSending(ctx, err instanceof ReturnInputError ? err.code : 'request', err.message);
  }
  const res = await ctx.request(upstream);
  const answer = interpretAnswer(ctx, res, readReturnAnswer);
  const warnings = [...answer.warnings];
  // The unified level picked another product; a label from abroad can only be a DHL Retoure.
  if (req.service.code !== RETOURE.code) {
    warnings.push(`sent as a DHL Retoure return label (${req.service.code} ships from Germany only)`);
  }
  return boughtLabel(ctx, {
    trackingNumber: answer.shipment.shipmentNo,
    documents: [await documentOf(ctx, answer.shipment)],
    documentUrl: answer.shipment.label?.url,
    warnings,
    requested: req.format,
    status: res.status,
  });
}

export async function createParcelDeLabel(
  ctx: CarrierContext,
  req: CarrierLabelRequest,
): Promise<CarrierLabel> {
  if (isReturn(req)) return createReturnLabel(ctx, req);
  if (req.service.code === RETOURE.code) {
    throw refusedBeforeSending(
      ctx,
      'route',
      'DHL Retoure labels bring a parcel back to Germany from another EU country',
    );
  }
  requireSetting(ctx, 'ekp', 'the 10-digit DHL customer number (EKP)');
  let upstream: ReturnType<typeof buildLabelRequest>;
  try {
    upstream = buildLabelRequest(req, ctx.account.settings);
  } catch (err) {
    throw refusedBeforeSending(ctx, 'request', err instanceof Error ? err.message : 'request cannot be sent');
  }
  const res = await ctx.request(upstream);
  const answer = interpretAnswer(ctx, res, readOrderAnswer);
  if (answer.created.length === 0 && answer.unidentified > 0) {
    // DHL says it created a shipment but its number cannot be read: the outcome is unknown.
    throw unreadableAnswer(ctx, res.status, 'a created shipment has no readable shipment number');
  }
  if (answer.created.length === 0) {
    // Nothing created: a plain refusal, safe to fail over.
    throw refusedInAnswer(ctx, res.status, {
      failureClass: 'rejected',
      code: answer.refusalCode ?? 'GeneralShipmentError',
      message: answer.refused.join('; ') || 'no shipment was created',
    });
  }
  const documents = await Promise.all(answer.created.map((s) => documentOf(ctx, s)));
  const warnings = [...answer.warnings];
  if (answer.created.length > 1) {
    warnings.push(`shipments created: ${answer.created.map((s) => s.shipmentNo).join(', ')}`);
  }
  // Some parcels refused, others created: the created ones are bought, the refusal is said.
  for (const line of answer.refused) warnings.push(`not created: ${line}`);
  if (answer.unidentified > 0) {
    warnings.push(`${answer.unidentified} further shipment(s) created whose numbers could not be read`);
  }
  return boughtLabel(ctx, {
    trackingNumber: answer.created[0]?.shipmentNo,
    documents,
    documentUrl: answer.created.find((s) => s.label?.url)?.label?.url,
    warnings,
    requested: req.format,
    status: res.status,
  });
}
