/** What every UPS mapping needs from the context: the shipper number. */
import type { CarrierContext } from '../../../src/carrier/definition.ts';
import { requireSetting } from '../../../src/carrier/settings.ts';

export const shipperNumberOf = (ctx: CarrierContext): string =>
  requireSetting(ctx, 'accountNumber', 'the 6-character UPS shipper number');
