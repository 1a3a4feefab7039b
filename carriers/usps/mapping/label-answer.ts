/**
 * A USPS label answer, domestic or international, whichever encoding USPS chose: the default
 * multipart/form-data (a JSON `labelMetadata` part and a base64 `labelImage` part, "always
 * Base64 encoded" whatever its headers say, usps_labels.yaml) or, with
 * `Accept: application/vnd.usps.labels+json`, one JSON object with the image inline. Read by
 * the carrier kit: once the metadata names a tracking number the label is bought, even when
 * the image is missing or not base64.
 */
import { readBody, UnreadableBodyError } from '../../../src/carrier/body.ts';
import { documentFromBase64 } from '../../../src/carrier/documents.ts';
import { parseCarrierJson } from '../../../src/carrier/json.ts';
import {
  boundaryOf,
  findPart,
  MultipartError,
  type MultipartPart,
  partBase64,
  partJson,
  readMultipart,
} from '../../../src/carrier/multipart.ts';
import type { ShipmentFacts } from '../../../src/carrier/outcomes.ts';
import { money, sumMoney } from '../../../src/domain/money.ts';
import type { LabelFormat, Money } from '../../../src/domain/shipment.ts';
import { type LabelMetadata, LabelVendorResponse, LabelMetadata as MetadataSchema } from './wire.ts';

export interface LabelAnswer {
  metadata: LabelMetadata;
  /** The base64 image text, when the answer has one. */
  image: string | undefined;
  warnings: string[];
}

const decoder = new TextDecoder();

function parseJson(text: string): unknown {
  try {
    return parseCarrierJson(text);
  } catch {
    throw new UnreadableBodyError('the label answer is not JSON');
  }
}

/** A price part written as null: whether it held money nobody can tell, so no total is given. */
function nullPriceParts(json: unknown): string[] {
  if (json === null || typeof json !== 'object') return [];
  const record = json as Record<string, unknown>;
  return ['postage', 'extraServices', 'fees']
    .filter((part) => record[part] === null)
    .map((part) => `${part} is null; the label price is not summed`);
}

/**
 * The label image part: the one named labelImage; in answers whose parts carry no names (USPS's
 * own published examples head the image "File Name: label.pdf"), the first part after the
 * metadata, which is where USPS puts the label (the receipt and return label follow it).
 */
function labelImagePart(
  parts: readonly MultipartPart[],
  metadata: MultipartPart | undefined,
): MultipartPart | undefined {
  const named = findPart(parts, 'labelImage');
  if (named) return named;
  if (parts.some((p) => p.name !== undefined && p !== metadata)) return undefined;
  return parts.find((p) => p !== metadata);
}

/** Reads a label answer; throws UnreadableBodyError when it holds no readable metadata at all. */
export function readLabelAnswer(contentType: string | null, body: Uint8Array): LabelAnswer {
  const boundary = boundaryOf(contentType);
  if (boundary !== undefined) {
    let parts: ReturnType<typeof readMultipart>;
    try {
      parts = readMultipart(body, boundary);
    } catch (error) {
      if (error instanceof MultipartError) throw new UnreadableBodyError(error.message);
      throw error;
    }
    const metadataPart = findPart(parts, 'labelMetadata') ?? parts[0];
    const json = partJson(metadataPart);
    const read = readBody(MetadataSchema, json);
    const image = labelImagePart(parts, metadataPart);
    const warnings = [...nullPriceParts(json), ...read.warnings];
    return { metadata: read.value, image: image ? partBase64(image) : undefined, warnings };
  }
  const json = parseJson(decoder.decode(body));
  const read = readBody(LabelVendorResponse, json);
  const { labelImage, receiptImage: _receipt, ...metadata } = read.value;
  return { metadata, image: labelImage, warnings: [...nullPriceParts(json), ...read.warnings] };
}

/** Postage plus extra services and fees ("postage ... does not include insurance or other extra service fees"). */
export function labelPrice(metadata: LabelMetadata): Money | undefined {
  if (metadata.postage === undefined) return undefined;
  // An extra service listed without its price: the total would be short, so there is none.
  if (metadata.extraServices.some((s) => s.price === undefined)) return undefined;
  return sumMoney([
    money(metadata.postage, 'USD'),
    ...metadata.extraServices.flatMap((s) => (s.price === undefined ? [] : [money(s.price, 'USD')])),
    ...metadata.fees.map((f) => money(f.price, 'USD')),
  ]);
}

function extraServiceWarnings(metadata: LabelMetadata): string[] {
  const texts = metadata.extraServices.flatMap((s) => s.warnings.map((w) => w.warningDescription));
  return [...new Set(texts.filter((t): t is string => Boolean(t)))];
}

/** What a label answer says, for the kit's bought-label rule. */
export function labelFacts(
  answer: LabelAnswer,
  requested: LabelFormat,
  status: number,
  imageType: string,
): ShipmentFacts {
  const { metadata } = answer;
  // The price is a sum of parts: when one part could not be read, no total is exact.
  const partLost = answer.warnings.some((w) => /^(postage|extraServices|fees)\b/.test(w));
  return {
    trackingNumber: metadata.trackingNumber ?? metadata.internationalTrackingNumber,
    price: partLost ? undefined : labelPrice(metadata),
    documents: [documentFromBase64(answer.image, imageType)],
    warnings: [...answer.warnings, ...extraServiceWarnings(metadata)],
    requested,
    status,
  };
}
