/**
 * Unified label request -> Colissimo `generateLabel`, and its multipart/related answer back
 * (read with the carrier kit's multipart reader). The answer's `<jsonInfos>` part holds the
 * messages and `labelV2Response.parcelNumber` (the tracking number); the `<label>` part holds
 * the RAW label bytes (PDF or ZPL, not base64). A parcel number without a label part is a
 * bought label without its document.
 */

import { readBody, UnreadableBodyError } from '../../../src/carrier/body.ts';
import type {
  CarrierContext,
  CarrierLabel,
  CarrierLabelRequest,
  UpstreamResponse,
} from '../../../src/carrier/definition.ts';
import { documentFromBytes } from '../../../src/carrier/documents.ts';
import {
  boundaryOf,
  findPart,
  MultipartError,
  partJson,
  readMultipart,
} from '../../../src/carrier/multipart.ts';
import {
  boughtLabel,
  readOrUnreadable,
  refusedBeforeSending,
  refusedInAnswer,
  type ShipmentFacts,
} from '../../../src/carrier/outcomes.ts';
import type { LabelFormat } from '../../../src/domain/shipment.ts';
import { convertWeight } from '../../../src/domain/units.ts';
import { CARRIER_ID, OUTPUT_PRINTING_TYPE, PATHS } from '../profile.ts';
import { toSlsAddress } from './addresses.ts';
import { decodeSlsMessage, firstSlsError } from './errors.ts';
import { SlsAnswer } from './wire.ts';

type Who = Pick<CarrierContext, 'carrier' | 'account'>;

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

/**
 * Reads a 2xx generateLabel answer: the messages (an ERROR among them is a refusal, thrown as
 * a classified CarrierError), the parcel number and the raw label part. The document's format
 * is the one its bytes are. Throws UnreadableBodyError when there is no readable jsonInfos.
 */
export function parseLabelResponse(res: UpstreamResponse, who: Who, requested: LabelFormat): ShipmentFacts {
  const boundary = boundaryOf(res.headers.get('content-type'));
  let info: unknown;
  let label: Uint8Array | undefined;
  if (boundary === undefined) info = res.json();
  else {
    let parts: ReturnType<typeof readMultipart>;
    try {
      parts = readMultipart(res.body, boundary);
    } catch (error) {
      if (error instanceof MultipartError) throw new UnreadableBodyError(error.message);
      throw error;
    }
    info = partJson(findPart(parts, 'jsonInfos') ?? parts[0]);
    label = findPart(parts, 'label')?.body;
  }
  if (info === undefined) throw new UnreadableBodyError('the label answer has no readable jsonInfos part');
  const read = readBody(SlsAnswer, info);
  const error = firstSlsError(read.value.messages);
  if (error) {
    const decoded = decodeSlsMessage(error, res.status);
    throw refusedInAnswer(who, res.status, decoded);
  }
  const parcel = read.value.labelV2Response;
  const warnings = read.value.messages
    .filter((m) => m.type.toUpperCase() === 'WARNING')
    .map((m) => `${m.id}: ${m.messageContent}`);
  if (parcel?.parcelNumberPartner) warnings.push(`partner parcel number ${parcel.parcelNumberPartner}`);
  return {
    trackingNumber: parcel?.parcelNumber,
    documents: [
      label && label.length > 0 ? documentFromBytes(label, requested) : documentFromBytes(new Uint8Array()),
    ],
    warnings: [...read.warnings, ...warnings],
    requested,
    status: res.status,
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
  const who: Who = { carrier: ctx.carrier || CARRIER_ID, account: ctx.account };
  if (req.parcels.length !== 1)
    throw refusedBeforeSending(
      who,
      'ONE_PARCEL_PER_LABEL',
      'Colissimo generateLabel creates one parcel per call: send one parcel per label request',
    );
  const body = buildLabelBody(req, todayIso(), contractCredentials(ctx));
  const res = await ctx.request({
    method: 'POST',
    path: PATHS.generateLabel,
    headers: { 'content-type': 'application/json', accept: 'multipart/related, application/json' },
    body: JSON.stringify(body),
    operation: 'label',
  });
  return boughtLabel(
    who,
    readOrUnreadable(who, res.status, () => parseLabelResponse(res, who, req.format)),
  );
}
