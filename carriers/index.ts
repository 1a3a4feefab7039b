/**
 * The carrier registry: the one place that lists the carriers. Adding a carrier is one
 * folder under carriers/ and one line here.
 */
import type { CarrierDefinition } from '../src/carrier/definition.ts';
import { carrier as colissimo } from './colissimo/index.ts';
import { carrier as dhlExpress } from './dhl-express/index.ts';
import { carrier as dhlParcelDe } from './dhl-parcel-de/index.ts';
import { carrier as fedex } from './fedex/index.ts';
import { carrier as ups } from './ups/index.ts';
import { carrier as usps } from './usps/index.ts';

export const carriers: readonly CarrierDefinition[] = [ups, fedex, usps, dhlExpress, dhlParcelDe, colissimo];
