/**
 * POST /api/shipments/{version}/ship. Labels are real documents from the kit, base64 in
 * PackageResults.ShippingLabel.GraphicImage; PackageResults is an OBJECT for one package and
 * an ARRAY for several. Formats GIF, PNG, ZPL, EPL, SPL; PDF is refused (label recovery only).
 */
import type { Hono } from 'hono';
import { type AnyContext, apiGuard, guardedAccount, type SimContext } from '../../../sandbox/kit/index.ts';
import { serviceByCode } from '../profile.ts';
import { SIM_ERRORS, schemaError, upsError, upsRenderer } from './errors.ts';
import { currencyFor, formatCents, pricePackage, servicesFor, zoneOf } from './pricing.ts';
import { collapse, RATING_VERSIONS } from './rating.ts';
import { asList, firstProblem, ShipRequestBody } from './schemas.ts';
import { createTrackingNumbers } from './tracking-number.ts';

const IMAGE_FORMATS = new Set(['GIF', 'PNG']);
const THERMAL_FORMATS = new Set(['ZPL', 'EPL', 'SPL']);

/** EPL2 and SPL are not kit formats: a minimal EPL2 job with the same lines. */
function eplLabel(lines: string[]): Uint8Array {
  const body = lines.map((l, i) => `A50,${50 + i * 40},0,4,1,1,N,"${l.replace(/"/g, "'")}"`);
  return new TextEncoder().encode(
    ['N', ...body, `B50,${80 + lines.length * 40},0,1,3,7,120,B,"${lines[0] ?? ''}"`, 'P1', ''].join('\n'),
  );
}

function renderLabel(sim: SimContext, format: string, lines: string[]): Uint8Array {
  if (format === 'EPL' || format === 'SPL') return eplLabel(lines);
  return sim.documents.render(format, lines).bytes;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

async function readJson(c: AnyContext): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}

export function mountShipping(app: Hono, sim: SimContext): void {
  const upsTrackingNumber = createTrackingNumbers(sim.clock);
  app.post('/api/shipments/:version/ship', apiGuard(sim, upsRenderer, { endpoint: 'label' }), async (c) => {
    const account = guardedAccount(c);
    if (!RATING_VERSIONS.has(c.req.param('version'))) return upsError(400, schemaError('version'));
    const raw = await readJson(c);
    if (raw === undefined) return upsError(400, SIM_ERRORS.notWellFormed);
    const parsed = ShipRequestBody.safeParse(raw);
    if (!parsed.success) return upsError(400, firstProblem(parsed.error));
    const request = parsed.data.ShipmentRequest;
    const shipment = request.Shipment;
    const shipperNumber = account?.settings?.accountNumber ?? '';

    if (shipment.Shipper.ShipperNumber.trim() !== shipperNumber)
      return upsError(400, SIM_ERRORS.shipperNumber);
    const billed = asList(shipment.PaymentInformation.ShipmentCharge).find((s) => s.BillShipper);
    if (!billed || billed.BillShipper?.AccountNumber.trim() !== shipperNumber) {
      return upsError(400, SIM_ERRORS.billShipper);
    }
    const format = request.LabelSpecification.LabelImageFormat.Code.toUpperCase();
    if (!IMAGE_FORMATS.has(format) && !THERMAL_FORMATS.has(format)) {
      return upsError(400, schemaError('LabelSpecification/LabelImageFormat/Code'));
    }
    if (THERMAL_FORMATS.has(format) && !request.LabelSpecification.LabelStockSize) {
      return upsError(400, schemaError('LabelSpecification/LabelStockSize'));
    }
    const from = shipment.ShipFrom?.Address ?? shipment.Shipper.Address;
    const to = shipment.ShipTo.Address;
    const code = shipment.Service.Code;
    const service = serviceByCode(code, from.CountryCode);
    if (!service || !servicesFor(from.CountryCode, to.CountryCode).includes(code)) {
      return upsError(400, SIM_ERRORS.serviceUnavailable);
    }

    const imperial = ['US', 'PR'].includes(from.CountryCode);
    const zone = zoneOf(from, to);
    const currency = currencyFor(from.CountryCode);
    const packages = asList(shipment.Package);
    const customerContext = request.Request.TransactionReference?.CustomerContext ?? '';
    const results = packages.map((pkg, i) => {
      const price = pricePackage(code, pkg, zone, imperial);
      const reference = asList(pkg.ReferenceNumber)[0]?.Value ?? (customerContext || undefined);
      const trackingNumber = upsTrackingNumber(shipperNumber, code);
      const lines = [
        trackingNumber,
        service.name.toUpperCase(),
        `SHIP TO: ${shipment.ShipTo.Name}`,
        `${to.City} ${to.PostalCode ?? ''} ${to.CountryCode}`.trim(),
        `PKG ${i + 1} OF ${packages.length}  ${pkg.PackageWeight.Weight} ${pkg.PackageWeight.UnitOfMeasurement.Code}`,
      ];
      sim.labels.create({
        accountId: account?.id ?? '(unknown)',
        trackingNumber,
        ...(reference ? { reference } : {}),
        service: code,
        format,
        meta: {
          package: i + 1,
          of: packages.length,
          city: to.City,
          countryCode: to.CountryCode,
          origin: from.CountryCode,
        },
      });
      const document = renderLabel(sim, format, lines);
      return {
        price,
        result: {
          TrackingNumber: trackingNumber,
          BaseServiceCharge: { CurrencyCode: currency, MonetaryValue: formatCents(price.baseCents) },
          ServiceOptionsCharges: { CurrencyCode: currency, MonetaryValue: '0.00' },
          ShippingLabel: {
            ImageFormat: { Code: format, Description: format },
            GraphicImage: b64(document),
            // The browser wrapper UPS sends with image labels only.
            ...(IMAGE_FORMATS.has(format)
              ? {
                  HTMLImage: b64(
                    new TextEncoder().encode(
                      `<html><body><img src="./label${trackingNumber}.${format.toLowerCase()}"></body></html>`,
                    ),
                  ),
                }
              : {}),
          },
          ItemizedCharges: collapse([
            { Code: '375', CurrencyCode: currency, MonetaryValue: formatCents(price.fuelCents) },
          ]),
        },
      };
    });
    const total = results.reduce((n, r) => n + r.price.totalCents, 0);
    const billable = results.reduce((n, r) => n + r.price.billable, 0);
    return c.json({
      ShipmentResponse: {
        Response: {
          ResponseStatus: { Code: '1', Description: 'Success' },
          TransactionReference: { CustomerContext: customerContext },
        },
        ShipmentResults: {
          ShipmentCharges: {
            TransportationCharges: { CurrencyCode: currency, MonetaryValue: formatCents(total) },
            ServiceOptionsCharges: { CurrencyCode: currency, MonetaryValue: '0.00' },
            TotalCharges: { CurrencyCode: currency, MonetaryValue: formatCents(total) },
          },
          BillingWeight: {
            UnitOfMeasurement: imperial
              ? { Code: 'LBS', Description: 'Pounds' }
              : { Code: 'KGS', Description: 'Kilograms' },
            Weight: `${billable}.0`,
          },
          ShipmentIdentificationNumber: results[0]?.result.TrackingNumber ?? '',
          // The quirk: one package -> a bare object, several -> an array.
          PackageResults: collapse(results.map((r) => r.result)),
        },
      },
    });
  });
}
