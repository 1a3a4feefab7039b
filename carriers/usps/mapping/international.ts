/**
 * Unified label request -> POST /international-labels/v3/international-label (USPS
 * International Labels v3, the official spec as vendored at
 * karrioapi/karrio@deea10f85:modules/connectors/usps_international/vendor/international-labels.yaml).
 * The answer has the shape of a domestic one, with `internationalTrackingNumber`
 * (label-answer.ts). Images are PDF or ZPL only. A customs form is required: the unified
 * model carries no commodity lines, so the declared value (options.insuredValue, in USD) and
 * the reference make the one line, and shipments over 2,500 USD, which need an AES ITN, are
 * refused before sending.
 */
import type { CarrierContext, CarrierLabelRequest } from '../../../src/carrier/definition.ts';
import { compareDecimal, decimalToNumber, parseDecimal } from '../../../src/domain/decimal.ts';
import type { Address, LabelFormat } from '../../../src/domain/shipment.ts';
import { toUspsAddress, usZip } from './address.ts';
import { extraServiceCodes } from './extra-services.ts';
import { oneParcel, today } from './label-common.ts';
import { rateIndicatorFor } from './mail-classes.ts';
import { toUspsPackage, wireNumber } from './package.ts';
import { refuse } from './refuse.ts';

export const INTERNATIONAL_LABEL_PATH = '/international-labels/v3/international-label';

/** InternationalLabelRequest imageInfo.imageType: PDF, TIFF, ZPL203DPI, ZPL300DPI (no PNG, no GIF). */
export const INTERNATIONAL_IMAGE_TYPES: Partial<Record<LabelFormat, string>> = {
  PDF: 'PDF',
  ZPL: 'ZPL203DPI',
};

/** "NO EEI 30.37(a)": the AES exemption for shipments valued at 2,500 USD or less (spec AESITN). */
export const AES_EXEMPTION = 'NO EEI 30.37(a)';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** InternationalLabelAddress: first and last name or firm, street, city, country name and code. */
function internationalAddress(a: Address): Record<string, string> {
  const out: Record<string, string> = {};
  const words = (a.name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length > 1) {
    out.firstName = words.slice(0, -1).join(' ').slice(0, 50);
    out.lastName = (words.at(-1) ?? '').slice(0, 50);
  }
  if (a.company) out.firm = a.company.slice(0, 50);
  else if (words.length === 1) out.firm = (words[0] ?? '').slice(0, 50);
  const [street = '', ...rest] = a.lines;
  out.streetAddress = street.slice(0, 50);
  if (rest.length) out.secondaryAddress = rest.join(' ').slice(0, 50);
  out.city = a.city.slice(0, 28);
  if (a.postalCode) out.postalCode = a.postalCode.slice(0, 11);
  if (a.stateCode) out.province = a.stateCode;
  out.country = regionNames.of(a.countryCode) ?? a.countryCode;
  out.countryISOAlpha2Code = a.countryCode;
  if (a.phone) out.phone = a.phone.replace(/[^\d+]/g, '').slice(0, 20);
  if (a.email) out.email = a.email;
  return out;
}

export function buildInternationalLabelRequest(
  ctx: CarrierContext,
  req: CarrierLabelRequest,
): Record<string, unknown> {
  const imageType = INTERNATIONAL_IMAGE_TYPES[req.format];
  if (!imageType) {
    throw refuse(ctx, 'INTERNATIONAL_FORMAT', `USPS international labels are PDF or ZPL, not ${req.format}`);
  }
  if (req.recipient.countryCode === 'US') {
    throw refuse(
      ctx,
      'INTERNATIONAL_LABEL',
      'an international mail class needs a destination outside the US',
    );
  }
  const parcel = oneParcel(ctx, req);
  const from = usZip(req.shipper.postalCode);
  if (!from) throw refuse(ctx, 'ORIGIN_ZIP', 'USPS needs a US ZIP code for the shipper (shipper.postalCode)');
  const value = req.options?.insuredValue;
  if (value?.currency !== 'USD') {
    throw refuse(
      ctx,
      'DECLARED_VALUE',
      'a USPS customs form needs the declared value in USD (options.insuredValue)',
    );
  }
  if (compareDecimal(parseDecimal(value.amount), parseDecimal('2500')) > 0) {
    throw refuse(
      ctx,
      'AES_ITN',
      'shipments valued over 2,500 USD need an AES ITN, which the gateway cannot file',
    );
  }
  const mailClass = req.service.code;
  const pkg = toUspsPackage(parcel);
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
    destinationEntryFacilityType: 'NONE',
    mailingDate: req.shipDate ?? today(),
    extraServices: extraServiceCodes(req.options, mailClass),
    packageOptions: { packageValue: decimalToNumber(parseDecimal(value.amount)) },
  };
  if (req.reference) packageDescription.customerReference = [{ referenceNumber: req.reference }];
  return {
    imageInfo: { imageType, labelType: '4X6LABEL' },
    toAddress: internationalAddress(req.recipient),
    fromAddress: toUspsAddress(req.shipper, from),
    packageDescription,
    customsForm: {
      AESITN: AES_EXEMPTION,
      customsContentType: 'MERCHANDISE',
      contents: [
        {
          itemDescription: (req.reference ?? 'Merchandise').slice(0, 30),
          itemQuantity: 1,
          itemTotalValue: decimalToNumber(parseDecimal(value.amount)),
          weightUOM: 'lb',
          itemTotalWeight: wireNumber(pkg.weight),
          countryofOrigin: req.shipper.countryCode,
        },
      ],
    },
  };
}
