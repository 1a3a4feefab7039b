/**
 * Fallback chains for sandbox mode (no configuration), so failover can be seen at once:
 * the US carriers back each other up, and the European products back each other up.
 */
export const SANDBOX_FALLBACKS: Readonly<Record<string, readonly string[]>> = {
  ups: ['fedex', 'usps'],
  fedex: ['ups', 'usps'],
  usps: ['ups', 'fedex'],
  'dhl-express': ['fedex', 'ups', 'colissimo'],
  'dhl-parcel-de': ['dhl-express', 'colissimo'],
  colissimo: ['dhl-parcel-de', 'dhl-express'],
};
