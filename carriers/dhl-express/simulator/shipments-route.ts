/** `POST /shipments`: validates like MyDHL, books a label in the kit, answers 201. */
import type { Context, Hono } from 'hono';
import { jsonResponse, type SimAccount, type SimContext } from '../../../sandbox/kit/index.ts';
import { productAllowed, zoneOf } from './pricing.ts';
import { badRequest, validationError } from './problems.ts';
import { firstSchemaError, SHIP_TIMESTAMP, SHIPMENT_RULES } from './schema-check.ts';

const INSTANCE = '/expressapi/shipments';
const ENCODINGS: Record<string, string> = { pdf: 'PDF', zpl: 'ZPL' };
/** Value-added services the simulator knows; any other code gets DHL's 7008 refusal. */
const KNOWN_SERVICES = new Set(['II', 'IB', 'WY', 'DD', 'DS', 'PT', 'AA', 'SA', 'SF', 'NN']);

interface Address {
  postalCode: string;
  cityName: string;
  countryCode: string;
  addressLine1: string;
}

interface ShipmentBody {
  plannedShippingDateAndTime: string;
  productCode: string;
  accounts: { typeCode: string; number: string }[];
  valueAddedServices?: { serviceCode: string }[];
  outputImageProperties?: { encodingFormat?: string };
  customerReferences?: { value: string }[];
  customerDetails: {
    shipperDetails: { postalAddress: Address; contactInformation: { fullName: string } };
    receiverDetails: { postalAddress: Address; contactInformation: { fullName: string } };
  };
  content: { packages: { weight: number }[]; isCustomsDeclarable: boolean; exportDeclaration?: unknown };
}

export function registerShipments(app: Hono, sim: SimContext, accountOf: (c: Context) => SimAccount): void {
  app.post('/shipments', async (c) => {
    const account = accountOf(c);
    const raw: unknown = await c.req.json().catch(() => null);
    const schemaError = firstSchemaError(raw, SHIPMENT_RULES);
    if (schemaError) return validationError(INSTANCE, schemaError);
    const body = raw as ShipmentBody;
    const encoding = body.outputImageProperties?.encodingFormat ?? 'pdf';
    const format = ENCODINGS[encoding];
    if (!format) {
      return validationError(
        INSTANCE,
        `#/outputImageProperties/encodingFormat: ${encoding} is not a valid enum value`,
      );
    }
    if (!SHIP_TIMESTAMP.test(body.plannedShippingDateAndTime)) {
      return badRequest(
        INSTANCE,
        "998: ShipTimeStamp is not well formatted.(Expected Sample Format : '2010-02-11T17:10:09 GMT+01:00')",
      );
    }
    const shipperAccount = body.accounts.find((a) => a.typeCode === 'shipper');
    if (shipperAccount?.number !== account.settings?.accountNumber) {
      return badRequest(
        INSTANCE,
        'The account number is not found or invalid. Please check the account number and retry.',
      );
    }
    const services = body.valueAddedServices ?? [];
    const unknown = services.findIndex((s) => !KNOWN_SERVICES.has(s.serviceCode));
    if (unknown >= 0) {
      return badRequest(
        INSTANCE,
        `7008: The requested Special Service Code  #/valueAddedServices/${unknown}/serviceCode '${services[unknown]!.serviceCode}' is not available between this origin and destination. Please validate the products and services combination (via the /rates or /products service) or contact our customer service.`,
      );
    }
    const from = body.customerDetails.shipperDetails.postalAddress;
    const to = body.customerDetails.receiverDetails.postalAddress;
    const zone = zoneOf(from.countryCode, to.countryCode);
    const product = productAllowed(body.productCode, zone);
    if (!product) {
      // The spec shows no product-unavailable example; the code here is the simulator's own.
      return badRequest(
        INSTANCE,
        `410301: The requested product(s) (${body.productCode}) not available based on your search criteria.`,
      );
    }
    if (body.content.isCustomsDeclarable && body.content.exportDeclaration === undefined) {
      return validationError(INSTANCE, '#/content: required key [exportDeclaration] not found');
    }

    const reference = body.customerReferences?.[0]?.value;
    const record = sim.labels.create({
      accountId: account.id,
      ...(reference ? { reference } : {}),
      service: product.code,
      format,
      meta: { from: `${from.cityName}-${from.countryCode}`, to: `${to.cityName}-${to.countryCode}` },
    });
    const awb = record.trackingNumber;
    const pieces = body.content.packages.map((_, n) =>
      `JD01460000${awb}${String(n + 1).padStart(2, '0')}`.slice(0, 20),
    );
    const documents = pieces.map((piece, n) => {
      const lines = [
        `WAYBILL ${awb}`,
        'DHL EXPRESS',
        product.name,
        `FROM ${body.customerDetails.shipperDetails.contactInformation.fullName} ${from.cityName} ${from.countryCode}`,
        `TO ${body.customerDetails.receiverDetails.contactInformation.fullName} ${to.cityName} ${to.countryCode}`,
        `PIECE ${n + 1}/${pieces.length} ${piece}`,
      ];
      const doc = sim.documents.render(format, lines);
      return { imageFormat: format, content: Buffer.from(doc.bytes).toString('base64'), typeCode: 'label' };
    });
    const numeric = account.settings?.numericTrackingNumbers === 'true';
    const trackingUrl = `https://express.api.dhl.com/mydhlapi/shipments/${awb}/tracking`;
    return jsonResponse(
      c,
      {
        shipmentTrackingNumber: numeric ? Number(awb) : awb,
        trackingUrl,
        packages: pieces.map((trackingNumber, n) => ({
          referenceNumber: n + 1,
          trackingNumber,
          trackingUrl: `${trackingUrl}?pieceTrackingNumber=${trackingNumber}`,
        })),
        documents,
      },
      { status: 201, headers: { location: `/shipments/${awb}`, 'invocation-id': crypto.randomUUID() } },
    );
  });
}
