/**
 * Unified label request -> POST /labels/v3/label (domestic, usps_labels.yaml) or POST
 * /international-labels/v3/international-label (international.ts) and back. The call needs
 * both the OAuth bearer and the payment authorization token: `auth: 'payment'` makes the
 * broker attach both. USPS answers 200 (not the documented 201) as multipart/form-data or,
 * with `Accept: application/vnd.usps.labels+json`, one JSON object (label-answer.ts).
 */
import type { CarrierContext, CarrierLabel, CarrierLabelRequest } from '../../../src/carrier/definition.ts';
import { boughtLabel, readOrUnreadable } from '../../../src/carrier/outcomes.ts';
import { IMAGE_TYPES, isDomestic } from '../profile.ts';
import { toUspsAddress, usZip } from './address.ts';
import { extraServiceCodes, packageValue } from './extra-services.ts';
import { buildInternationalLabelRequest, INTERNATIONAL_LABEL_PATH } from './international.ts';
import { labelFacts, readLabelAnswer } from './label-answer.ts';
import { oneParcel, today } from './label-common.ts';
import { entryFacilityFor, rateIndicatorFor } from './mail-classes.ts';
import { toUspsPackage, wireNumber } from './package.ts';
import { refuse } from './refuse.ts';

export const LABEL_PATH = '/labels/v3/label';
export const VENDOR_JSON = 'application/vnd.usps.labels+json';

/** The domestic LabelRequest body. Throws a not_sent refusal for what it cannot carry. */
export function buildLabelRequest(ctx: CarrierContext, req: CarrierLabelRequest): Record<string, unknown> {
  if (
    req.service.scope === 'international' ||
    !isDomestic(req.shipper.countryCode, req.recipient.countryCode)
  ) {
    throw refuse(
      ctx,
      'INTERNATIONAL_LABEL',
      'an international USPS label needs an international mail class and a destination abroad',
    );
  }
  const parcel = oneParcel(ctx, req);
  const from = usZip(req.shipper.postalCode);
  const to = usZip(req.recipient.postalCode);
  if (!from) throw refuse(ctx, 'ORIGIN_ZIP', 'USPS needs a US ZIP code for the shipper (shipper.postalCode)');
  if (!to)
    throw refuse(ctx, 'DESTINATION_ZIP', 'USPS needs a US ZIP code for the recipient (recipient.postalCode)');

  const mailClass = req.service.code;
  const pkg = toUspsPackage(parcel);
  const value = packageValue(req.options);
  const packageDescription: Record<string, unknown> = {
    mailClass,
    rateIndicator: rateIndicatorFor(mailClass),
    weightUOM: 'lb',
    weight: wireNumber(pkg.weight),
    dimensionsUOM: 'in',
    length: wireNumber(pkg.length),
    width: wireNumber(pkg.width),
    height: wireNumber(pkg.height),
    processingCategory: pkg.processingCategory,
    mailingDate: req.shipDate ?? today(),
    extraServices: extraServiceCodes(req.options, mailClass),
    destinationEntryFacilityType: entryFacilityFor(mailClass, ctx.account.settings),
    ...(value !== undefined ? { packageOptions: { packageValue: value } } : {}),
  };
  if (req.reference) {
    packageDescription.customerReference = [{ referenceNumber: req.reference, printReferenceNumber: true }];
  }
  return {
    imageInfo: { imageType: IMAGE_TYPES[req.format], labelType: '4X6LABEL', receiptOption: 'NONE' },
    toAddress: toUspsAddress(req.recipient, to),
    fromAddress: toUspsAddress(req.shipper, from),
    packageDescription,
  };
}

/** 'json' (default) asks for the vendor JSON answer; 'multipart' takes the API's default. */
const wantsMultipart = (ctx: CarrierContext): boolean => ctx.account.settings.labelResponse === 'multipart';

export async function createLabel(ctx: CarrierContext, req: CarrierLabelRequest): Promise<CarrierLabel> {
  const international = req.service.scope === 'international';
  const body = international ? buildInternationalLabelRequest(ctx, req) : buildLabelRequest(ctx, req);
  const res = await ctx.request({
    method: 'POST',
    path: international ? INTERNATIONAL_LABEL_PATH : LABEL_PATH,
    headers: {
      'Content-Type': 'application/json',
      // With multipart, Accept only chooses the metadata part's encoding (usps_labels.yaml).
      Accept: wantsMultipart(ctx) ? 'application/json' : VENDOR_JSON,
    },
    body: JSON.stringify(body),
    auth: 'payment',
    operation: 'label',
  });
  const imageType = (body.imageInfo as { imageType: string }).imageType;
  // A 2xx without even readable metadata may still have bought a label: outcome unknown.
  const answer = readOrUnreadable(ctx, res.status, () =>
    readLabelAnswer(res.headers.get('content-type'), res.body),
  );
  return boughtLabel(ctx, labelFacts(answer, req.format, res.status, imageType));
}
