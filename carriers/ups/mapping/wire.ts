/**
 * Small helpers for the UPS wire format: every number is a string, and a list with one
 * element is often collapsed to a bare object (RatedShipment on Rate, PackageResults with one
 * package, ItemizedCharges, RatedShipmentAlert...): the kit's `list` reads both.
 */
import { z } from '@hono/zod-openapi';
import { amountWritten, currency, moneyOf, optionalList, text } from '../../../src/carrier/wire.ts';
import type { Money } from '../../../src/domain/shipment.ts';

/** An object-or-array field as an array (undefined -> []). */
export function asArray<T>(value: T | readonly T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** UPS money: {"CurrencyCode":"USD","MonetaryValue":"9.45"} (a decimal string). */
// UPS writes MonetaryValue as a string (Rating and Shipping OpenAPI: `type: string`).
export const UpsCharge = z.object({ CurrencyCode: currency, MonetaryValue: amountWritten('string') });
export type UpsCharge = z.infer<typeof UpsCharge>;
export const chargeMoney = (c: UpsCharge): Money => moneyOf(c.MonetaryValue, c.CurrencyCode);

export const UpsAlert = z.object({ Code: text, Description: text.optional() });
export const alertTexts = (alerts: readonly z.infer<typeof UpsAlert>[]): string[] =>
  alerts.map((a) => a.Description ?? a.Code);

/** `Response` of every UPS success answer: only its alerts are read. */
export const UpsResponse = z.object({ Alert: optionalList(UpsAlert) });

/** Up to 32 characters identifying one request (transId header). */
export function transactionId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/** Headers UPS expects on every API call besides Authorization. */
export function apiHeaders(json: boolean): Record<string, string> {
  return {
    transId: transactionId(),
    transactionSrc: 'carrier-gateway',
    accept: 'application/json',
    ...(json ? { 'content-type': 'application/json' } : {}),
  };
}
