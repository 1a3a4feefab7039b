/**
 * `POST /ship/v1/shipments`: creates the shipment synchronously. One label per piece, stored
 * in the kit's label book (so tracking works), returned base64 in
 * `pieceResponses[].packageDocuments[].encodedLabel` (or a `url` with URL_ONLY).
 */
import type { Hono } from 'hono';
import type { SimAccount, SimContext } from '../../../sandbox/kit/index.ts';
import { apiGuard, guardedAccount } from '../../../sandbox/kit/index.ts';
import { fedexService } from '../services.ts';
import { amount, quote, servicesFor } from './pricing.ts';
import { fedexRenderer } from './renderer.ts';
import { invalidInput, jsonBody, parseBody, ShipBody } from './requests.ts';
import { MESSAGES, outputResponse, refusal } from './wire.ts';

type Shipment = ShipBody['requestedShipment'];
type ImageType = Shipment['labelSpecification']['imageType'];

/** EPL2 has no kit generator: a minimal EPL2 job with the text lines and a Code 128 barcode. */
function epl2(lines: string[]): Uint8Array {
  const quoted = (s: string) => s.replace(/["\\]/g, ' ');
  const text = lines.map((line, i) => `A30,${40 + i * 40},0,3,1,1,N,"${quoted(line)}"`);
  const barcode = `B30,${60 + lines.length * 40},0,1,3,7,120,B,"${quoted(lines[0] ?? '')}"`;
  return new TextEncoder().encode(['', 'N', 'q812', 'Q1218,24', ...text, barcode, 'P1', ''].join('\n'));
}

function document(sim: SimContext, imageType: ImageType, lines: string[]): Uint8Array {
  if (imageType === 'EPL2') return epl2(lines);
  return sim.documents.render(imageType === 'ZPLII' ? 'ZPL' : imageType, lines).bytes;
}

function labelLines(s: Shipment, trackingNumber: string, piece: number, serviceName: string): string[] {
  const to = s.recipients[0]!;
  const item = s.requestedPackageLineItems[piece - 1]!;
  const ref = item.customerReferences?.[0]?.value;
  return [
    trackingNumber,
    `FEDEX ${serviceName}`.toUpperCase(),
    `SHIP TO ${to.contact.personName ?? to.contact.companyName ?? ''}`.trim().toUpperCase(),
    ...to.address.streetLines.map((l) => l.toUpperCase()),
    [to.address.city, to.address.stateOrProvinceCode, to.address.postalCode]
      .filter(Boolean)
      .join(' ')
      .toUpperCase(),
    to.address.countryCode,
    `PKG ${piece}/${s.requestedPackageLineItems.length} ${item.weight.value} ${item.weight.units}`,
    ...(ref ? [`REF ${ref}`.toUpperCase()] : []),
  ];
}

/** Why the request cannot ship, in FedEx's words; undefined when it can. */
function refuse(account: SimAccount | undefined, body: ShipBody) {
  if (!account?.settings?.accountNumber || body.accountNumber.value !== account.settings.accountNumber) {
    return [{ code: 'ACCOUNTNUMBER.REGISTRATION.REQUIRED', message: MESSAGES.registrationRequired }];
  }
  const s = body.requestedShipment;
  const to = s.recipients[0]!.address;
  if (servicesFor(s.shipper.address, to, s.serviceType).length === 0) {
    return [invalidInput('requestedShipment.serviceType')];
  }
  if (s.shipper.address.countryCode !== to.countryCode && !s.customsClearanceDetail?.commodities) {
    return [invalidInput('requestedShipment.customsClearanceDetail.commodities')];
  }
  return undefined;
}

export function mountShip(app: Hono, sim: SimContext): void {
  app.post('/ship/v1/shipments', apiGuard(sim, fedexRenderer, { endpoint: 'label' }), async (c) => {
    const parsed = parseBody(ShipBody, await jsonBody(c.req));
    if (!parsed.ok) return refusal(c, 400, parsed.errors);
    const account = guardedAccount(c);
    const refused = refuse(account, parsed.value);
    if (refused || !account) return refusal(c, 400, refused ?? []);
    const body = parsed.value;
    const s = body.requestedShipment;
    const service = fedexService(s.serviceType)!;
    const from = s.shipper.address;
    const to = s.recipients[0]!;
    const imageType = s.labelSpecification.imageType;
    const shipDate = s.shipDatestamp ?? new Date(sim.clock()).toISOString().slice(0, 10);

    let master: string | undefined;
    const pieceResponses = s.requestedPackageLineItems.map((item, index) => {
      const reference = item.customerReferences?.[0]?.value;
      const record = sim.labels.create({
        accountId: account.id,
        service: service.code,
        format: imageType,
        // Only the master carries the reference, so labelsByReference counts shipments.
        ...(index === 0 && reference ? { reference } : {}),
        meta: { piece: index + 1, ...(master ? { master } : {}), recipient: to.address },
      });
      master ??= record.trackingNumber;
      const bytes = document(sim, imageType, labelLines(s, record.trackingNumber, index + 1, service.name));
      const doc =
        body.labelResponseOptions === 'LABEL'
          ? { encodedLabel: Buffer.from(bytes).toString('base64') }
          : {
              url: `https://wwwtest.fedex.com/document/v2/document/retrieve/SH,${record.trackingNumber}_SHIPPING_P`,
            };
      return {
        netChargeAmount: amount(quote(service, from, to.address, [item]).net),
        trackingNumber: record.trackingNumber,
        masterTrackingNumber: master,
        packageSequenceNumber: index + 1,
        deliveryDatestamp: shipDate,
        ...(item.customerReferences ? { customerReferences: item.customerReferences } : {}),
        packageDocuments: [
          {
            contentType: 'LABEL',
            copiesToPrint: 1,
            docType: imageType,
            trackingNumber: record.trackingNumber,
            ...doc,
          },
        ],
      };
    });

    const total = quote(service, from, to.address, s.requestedPackageLineItems);
    const phoneAlert = to.contact.phoneNumber
      ? []
      : [
          {
            code: 'RECIPIENTCONTACT.PHONENUMBER.INVALID',
            message:
              "Recipient’s phone number format is not matching with recipient's country code; hence, recipient will not receive Convenient Delivery Options. Moving forward, please provide valid mobile phone number.",
          },
        ];
    return outputResponse(c, {
      transactionShipments: [
        {
          serviceType: service.code,
          shipDatestamp: shipDate,
          serviceCategory: service.level === 'ground' || service.level === 'economy' ? 'GROUND' : 'EXPRESS',
          serviceName: service.name,
          masterTrackingNumber: master,
          pieceResponses,
          completedShipmentDetail: {
            carrierCode: service.level === 'ground' ? 'FDXG' : 'FDXE',
            masterTrackingId: {
              trackingIdType: service.level === 'ground' ? 'GROUND' : 'EXPRESS',
              trackingNumber: master,
            },
            serviceDescription: { serviceType: service.code, description: service.name },
            shipmentRating: {
              actualRateType: 'PAYOR_ACCOUNT_SHIPMENT',
              shipmentRateDetails: [
                {
                  rateType: 'PAYOR_ACCOUNT_SHIPMENT',
                  totalBillingWeight: { units: 'LB', value: total.billableLb },
                  totalBaseCharge: amount(total.base),
                  totalSurcharges: amount(total.fuel),
                  totalNetFedExCharge: amount(total.net),
                  totalNetCharge: amount(total.net),
                  currency: total.currency,
                },
              ],
            },
          },
          ...(phoneAlert.length > 0 ? { alerts: phoneAlert } : {}),
        },
      ],
    });
  });
}
