/**
 * DHL Parcel DE has no rate API: rates come from this dated table (the gateway marks them
 * as table rates). Prices are DHL Paket national list prices (online franking, EUR, final
 * prices) effective 2025-01-01. Business-customer contract prices differ per contract;
 * override with your own table when you have one.
 *
 * Sources: 2 kg 6.19 and 5 kg 7.69: inside-digital.de "Neues Paket-Gesetz" (2025-01);
 * 20 kg 18.99 and 31.5 kg 23.99: DHL press release as reported by watson.de (2024-07-12),
 * unchanged on 2025-01-01 for parcels over 5 kg per infranken.de (2025-01-08), which also
 * keeps 10 kg at its 2024 price of 10.49. Size limit of the 2 kg class (60 x 30 x 15 cm):
 * dhl.de "DHL Paket" product page.
 */
export interface WeightBand {
  /** Inclusive upper weight limit in grams. */
  maxGrams: number;
  /** Decimal string in the table currency. */
  price: string;
}

export interface RateTable {
  effective: string;
  currency: string;
  source: string;
  /** Bands per product code, lightest first. */
  products: Record<string, readonly WeightBand[]>;
  /** Largest box (cm, sorted longest first) the lightest band accepts. */
  smallBandMaxCm: readonly [number, number, number];
}

export const RATE_TABLE: RateTable = {
  effective: '2025-01-01',
  currency: 'EUR',
  source:
    'DHL Paket national list prices 2025 (online franking): inside-digital.de 2025-01, watson.de 2024-07-12, infranken.de 2025-01-08, dhl.de DHL Paket page',
  products: {
    V01PAK: [
      { maxGrams: 2_000, price: '6.19' },
      { maxGrams: 5_000, price: '7.69' },
      { maxGrams: 10_000, price: '10.49' },
      { maxGrams: 20_000, price: '18.99' },
      { maxGrams: 31_500, price: '23.99' },
    ],
  },
  smallBandMaxCm: [60, 30, 15],
};
