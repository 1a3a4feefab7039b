/**
 * The USPS operations the first mapping never used, over HTTP against the simulator: shipping
 * options and total rates (every eligible option in one call, extra services priced, the
 * option the label would be bought with chosen), Parcel Select, international labels; and the
 * mail class of every price checked (issue 16).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CarrierLabelRequest } from '../../../src/carrier/definition.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import type { Address, RateRequest } from '../../../src/domain/shipment.ts';
import { type CarrierHarness, startCarrierHarness } from '../../../test/support/carrier-harness.ts';
import { carrier } from '../index.ts';
import { parseBaseRates } from '../mapping/base-rates.ts';
import { chooseOption } from '../mapping/rate-choice.ts';
import { optionsByClass } from '../mapping/shipping-options.ts';
import { USPS_SERVICES } from '../profile.ts';
import { createSimulator } from '../simulator/index.ts';

const shipper: Address = {
  name: 'Sam Wilson',
  lines: ['45 L St SW'],
  city: 'Washington',
  stateCode: 'DC',
  postalCode: '20024',
  countryCode: 'US',
};
const recipient: Address = {
  name: 'Nick Fury',
  lines: ['2700 S Jefferson Ave'],
  city: 'St. Louis',
  stateCode: 'MO',
  postalCode: '63104',
  countryCode: 'US',
};
const toronto: Address = {
  name: 'Ada Shopper',
  lines: ['100 Queen St W'],
  city: 'Toronto',
  postalCode: 'M5H 2N2',
  countryCode: 'CA',
};
const parcel = {
  weight: { value: 2, unit: 'lb' as const },
  dimensions: { length: 10, width: 8, height: 4, unit: 'in' as const },
};
const request: RateRequest = { shipper, recipient, parcels: [parcel] };
const service = (code: string) => USPS_SERVICES.find((s) => s.code === code)!;

let h: CarrierHarness;
beforeAll(async () => {
  h = await startCarrierHarness(carrier, createSimulator);
  const base = h.accounts[0]!;
  h.accounts.push(
    { ...base, id: 'total', settings: { ...base.settings, rateApi: 'total-rates' } },
    { ...base, id: 'base', settings: { ...base.settings, rateApi: 'base-rates' } },
  );
});
afterAll(async () => {
  await h?.close();
});

const byCode = (rates: Awaited<ReturnType<typeof carrier.rate>>) =>
  Object.fromEntries(rates.map((r) => [r.service.code, r]));

async function refusal(promise: Promise<unknown>): Promise<CarrierError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof CarrierError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('USPS shipping options and total rates', () => {
  it('price the option the label is bought with: single piece, not the flat-rate box; Parcel Select at its entry facility', async () => {
    const options = byCode(await carrier.rate(h.context(), request));
    const base = byCode(await carrier.rate(h.context('base'), request));
    // The same postage as the base-rates search for the same single-piece package.
    expect(options.PRIORITY_MAIL?.total).toEqual(base.PRIORITY_MAIL?.total);
    expect(options.PRIORITY_MAIL?.total.amount).not.toBe('18.60');
    expect(options.USPS_GROUND_ADVANTAGE?.total).toEqual(base.USPS_GROUND_ADVANTAGE?.total);
    // Parcel Select entered at the sectional center (the account default), not the cheaper DDU.
    expect(options.PARCEL_SELECT?.total).toEqual(base.PARCEL_SELECT?.total);
    expect(options.PRIORITY_MAIL_EXPRESS?.estimatedDays).toBe(1);
  });

  it('shipping options and total rates include extra services and fees in the price', async () => {
    const extras: RateRequest = {
      ...request,
      services: ['ground'],
      options: { signature: true, insuredValue: { amount: '200.00', currency: 'USD' } },
    };
    const plain = (await carrier.rate(h.context('base'), { ...request, services: ['ground'] }))[0]!;
    for (const account of ['default', 'total']) {
      const [rate] = await carrier.rate(h.context(account), extras);
      const labels = rate!.breakdown!.map((b) => b.label);
      expect(labels).toContain('Signature Confirmation');
      expect(labels).toContain('Insurance <= $500');
      // 4.75 signature + 2.95 + 2 x 1.40 insurance on top of the postage.
      const cents = (a: string) => Math.round(Number(a) * 100);
      expect(cents(rate!.total.amount) - cents(plain.total.amount)).toBe(475 + 295 + 280);
    }
  });

  it('international rates come from shipping options too', async () => {
    const rates = await carrier.rate(h.context(), { ...request, recipient: toronto });
    expect(rates.map((r) => r.service.code).sort()).toEqual([
      'FIRST-CLASS_PACKAGE_INTERNATIONAL_SERVICE',
      'PRIORITY_MAIL_EXPRESS_INTERNATIONAL',
      'PRIORITY_MAIL_INTERNATIONAL',
    ]);
  });
});

describe('USPS checks the mail class of every price', () => {
  const option = (mailClass: string, price: number, indicator = 'SP') => ({
    totalBasePrice: price,
    rates: [
      {
        price,
        mailClass,
        rateIndicator: indicator,
        destinationEntryFacilityType: 'NONE',
        fees: [],
        warnings: [],
      },
    ],
    extraServices: [],
  });

  it('a price labelled with another class is never shown as the class asked for', () => {
    const body = {
      pricingOptions: [
        {
          shippingOptions: [
            // USPS filed a Ground Advantage price under Priority Mail.
            { mailClass: 'PRIORITY_MAIL', rateOptions: [option('USPS_GROUND_ADVANTAGE', 6.25)] },
            { mailClass: 'USPS_GROUND_ADVANTAGE', rateOptions: [option('USPS_GROUND_ADVANTAGE', 6.25)] },
          ],
        },
      ],
    };
    const { byClass } = optionsByClass(body);
    const key = (mailClass: string) => ({ mailClass, rateIndicator: 'SP', entryFacilities: ['NONE'] });
    expect(chooseOption(byClass.get('PRIORITY_MAIL') ?? [], key('PRIORITY_MAIL'))).toEqual({
      reason: 'USPS answered no PRIORITY_MAIL price',
    });
    expect(
      chooseOption(byClass.get('USPS_GROUND_ADVANTAGE') ?? [], key('USPS_GROUND_ADVANTAGE')),
    ).toMatchObject({
      price: { total: { amount: '6.25', currency: 'USD' } },
    });
    // One price for three classes (total rates must name theirs): only the named class gets it.
    const shared = [option('USPS_GROUND_ADVANTAGE', 6.25)];
    expect('reason' in chooseOption(shared, key('PRIORITY_MAIL_EXPRESS'), true)).toBe(true);
    expect('reason' in chooseOption(shared, key('PRIORITY_MAIL'), true)).toBe(true);
  });

  it('a base-rates answer for another class is left out, with the reason', () => {
    const answer = { totalBasePrice: 6.25, rates: [{ price: 6.25, mailClass: 'USPS_GROUND_ADVANTAGE' }] };
    expect(parseBaseRates(answer, 'PRIORITY_MAIL')).toEqual({
      reason: 'USPS answered a price labelled USPS_GROUND_ADVANTAGE when PRIORITY_MAIL was asked for',
    });
  });
});

describe('USPS labels: Parcel Select and international', () => {
  const label = (extra: Partial<CarrierLabelRequest>): CarrierLabelRequest => ({
    service: service('USPS_GROUND_ADVANTAGE'),
    shipper,
    recipient,
    parcels: [parcel],
    format: 'PDF',
    reference: 'order-77',
    ...extra,
  });

  it('buys a Parcel Select label', async () => {
    const bought = await carrier.createLabel(h.context(), label({ service: service('PARCEL_SELECT') }));
    expect(bought.trackingNumber).toMatch(/^92612/);
    expect(bought.format).toBe('PDF');
    expect(bought.price?.currency).toBe('USD');
  });

  it('buys an international label: 13-character tracking number, PDF, price', async () => {
    const bought = await carrier.createLabel(
      h.context(),
      label({
        service: service('PRIORITY_MAIL_INTERNATIONAL'),
        recipient: toronto,
        options: { insuredValue: { amount: '120.00', currency: 'USD' } },
      }),
    );
    expect(bought.trackingNumber).toMatch(/^CP\d{9}US$/);
    expect(new TextDecoder().decode(bought.document!.subarray(0, 5))).toBe('%PDF-');
    expect(bought.price?.amount).toMatch(/^\d+\.\d{2}$/);
    const zpl = await carrier.createLabel(
      h.context('multipart'),
      label({
        service: service('PRIORITY_MAIL_EXPRESS_INTERNATIONAL'),
        recipient: toronto,
        format: 'ZPL',
        options: { insuredValue: { amount: '80.00', currency: 'USD' } },
      }),
    );
    expect(zpl.trackingNumber).toMatch(/^EZ\d{9}US$/);
    expect(zpl.format).toBe('ZPL');
  });

  it('refuses before sending what an international label cannot carry', async () => {
    const before = (await h.control.stats('usps')).labelsCreated;
    const png = await refusal(
      carrier.createLabel(
        h.context(),
        label({
          service: service('PRIORITY_MAIL_INTERNATIONAL'),
          recipient: toronto,
          format: 'PNG',
          options: { insuredValue: { amount: '80.00', currency: 'USD' } },
        }),
      ),
    );
    expect(png).toMatchObject({
      failureClass: 'rejected',
      outcome: 'not_sent',
      code: 'INTERNATIONAL_FORMAT',
    });
    const noValue = await refusal(
      carrier.createLabel(
        h.context(),
        label({ service: service('PRIORITY_MAIL_INTERNATIONAL'), recipient: toronto }),
      ),
    );
    expect(noValue).toMatchObject({ outcome: 'not_sent', code: 'DECLARED_VALUE' });
    expect((await h.control.stats('usps')).labelsCreated).toBe(before);
  });
});
