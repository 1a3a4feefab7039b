/**
 * Unified label request -> Colissimo `generateLabel`, and its multipart/related answer back.
 * The answer's `<jsonInfos>` part holds the messages and `labelV2Response.parcelNumber` (the
 * tracking number); the `<label>` part holds the RAW label bytes (PDF or ZPL, not base64).
 */
import type {
  CarrierContext,
  CarrierLabel,
  CarrierLabelRequest,
  UpstreamResponse,
} from '../../../src/carrier/definition.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import { convertWeight } from '../../../src/domain/units.ts';
import { CARRIER_ID, MEDIA_TYPE, OUTPUT_PRINTING_TYPE, PATHS } from '../profile.ts';
import { toSlsAddress } from './addresses.ts';
import { decodeSlsMessage, firstSlsError } from './errors.ts';
import { boundaryOf, parseMultipart, partById } from './multipart.ts';
import { SlsAnswer } from './wire.ts';

/** Colissimo takes the weight in kg with two decimals; billed weight rounds up. */
export const toKg = (weight: CarrierLabelRequest['parcels'][number]['weight']): string =>
  convertWeight(weight, 'kg', { decimals: 2, mode: 'up' });

export interface ContractCredentials {
  contractNumber: string;
  password: string;
}

/** Builds the generateLabel JSON body. Credentials go in the body only for body_credentials accounts. */
export function buildLabelBody(
  req: CarrierLabelRequest,
  today: string,
  credentials?: ContractCredentials,
): Record<string, unknown> {
  const parcel = req.parcels[0];
  if (!parcel) throw new RangeError('a label needs one parcel');
  const outputPrintingType = OUTPUT_PRINTING_TYPE[req.format];
  if (!outputPrintingType) throw new RangeError(`Colissimo does not print ${req.format} labels`);
  const service: Record<string, unknown> = {
    productCode: req.service.code,
    depositDate: req.shipDate ?? today,
  };
  if (req.reference) service.orderNumber = req.reference;
  const parcelBody: Record<string, unknown> = { weight: Number(toKg(parcel.weight)) };
  if (req.options?.insuredValue) parcelBody.insuranceValue = Number(req.options.insuredValue.amount);
  const sender: Record<string, unknown> = { address: toSlsAddress(req.shipper) };
  const addressee: Record<string, unknown> = { address: toSlsAddress(req.recipient) };
  if (req.reference) {
    sender.senderParcelRef = req.reference;
    addressee.addresseeParcelRef = req.reference;
  }
  return {
    ...(credentials ?? {}),
    outputFormat: { x: 0, y: 0, outputPrintingType },
    letter: { service, parcel: parcelBody, sender, addressee },
  };
}

export interface ParsedLabel {
  trackingNumber: string;
  document: Uint8Array;
  partnerNumber?: string | undefined;
  warnings: string[];
}

/** Reads a 2xx generateLabel answer; throws a classified CarrierError for an error inside it. */
export function parseLabelResponse(
  res: UpstreamResponse,
  who: { carrier: string; account: string },
): ParsedLabel {
  const fail = (message: string, code = 'MALFORMED_LABEL_ANSWER'): never => {
    // The carrier answered 2xx but gave no usable label: it may have created one, so never blind-retry.
    throw new CarrierError({
      ...who,
      failureClass: 'unavailable',
      outcome: 'ambiguous',
      message,
      code,
      status: res.status,
    });
  };
  const boundary = boundaryOf(res.headers.get('content-type'));
  let info: unknown;
  let label: Uint8Array | undefined;
  if (boundary === undefined) info = res.json();
  else {
    let parts: ReturnType<typeof parseMultipart> = [];
    try {
      parts = parseMultipart(res.body, boundary);
    } catch {
      fail('Colissimo label answer is not a readable multipart body');
    }
    const jsonPart = partById(parts, 'jsonInfos') ?? parts[0];
    try {
      info = jsonPart ? JSON.parse(new TextDecoder().decode(jsonPart.body)) : undefined;
    } catch {
      info = undefined;
    }
    label = partById(parts, 'label')?.body;
  }
  const answer = SlsAnswer.safeParse(info);
  if (!answer.success) return fail('Colissimo label answer has no readable jsonInfos part');
  const error = firstSlsError(answer.data.messages);
  if (error) {
    const decoded = decodeSlsMessage(error, res.status);
    throw new CarrierError({
      ...who,
      failureClass: decoded.failureClass,
      outcome: 'rejected',
      message: decoded.message,
      code: decoded.code,
      status: res.status,
      auth: decoded.auth,
    });
  }
  const trackingNumber = answer.data.labelV2Response?.parcelNumber;
  if (!trackingNumber) return fail('Colissimo label answer has no parcelNumber');
  if (!label || label.length === 0) return fail('Colissimo label answer has no label part');
  const warnings = answer.data.messages
    .filter((m) => m.type.toUpperCase() === 'WARNING')
    .map((m) => `${m.id}: ${m.messageContent}`);
  return {
    trackingNumber,
    document: label,
    partnerNumber: answer.data.labelV2Response?.parcelNumberPartner ?? undefined,
    warnings,
  };
}

/** Contract number and password when the account has them (body_credentials), else undefined (apiKey header). */
export function contractCredentials(ctx: CarrierContext): ContractCredentials | undefined {
  try {
    const contractNumber = ctx.secret('contractNumber');
    const password = ctx.secret('password');
    return contractNumber && password ? { contractNumber, password } : undefined;
  } catch {
    return undefined;
  }
}

const todayIso = (): string => new Date().toISOString().slice(0, 10);

export async function createLabel(ctx: CarrierContext, req: CarrierLabelRequest): Promise<CarrierLabel> {
  const who = { carrier: ctx.carrier || CARRIER_ID, account: ctx.account.id };
  if (req.parcels.length !== 1)
    throw new CarrierError({
      ...who,
      failureClass: 'rejected',
      outcome: 'not_sent',
      code: 'ONE_PARCEL_PER_LABEL',
      message: 'Colissimo generateLabel creates one parcel per call: send one parcel per label request',
    });
  const body = buildLabelBody(req, todayIso(), contractCredentials(ctx));
  const res = await ctx.request({
    method: 'POST',
    path: PATHS.generateLabel,
    headers: { 'content-type': 'application/json', accept: 'multipart/related, application/json' },
    body: JSON.stringify(body),
    operation: 'label',
  });
  const parsed = parseLabelResponse(res, who);
  const label: CarrierLabel = {
    trackingNumber: parsed.trackingNumber,
    format: req.format,
    document: parsed.document,
    mediaType: MEDIA_TYPE[req.format] ?? 'application/octet-stream',
  };
  if (parsed.warnings.length > 0) label.warnings = parsed.warnings;
  return label;
}
