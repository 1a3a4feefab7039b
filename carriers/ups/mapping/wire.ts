/**
 * Small helpers for the UPS wire format: every number is a string, and a list with one
 * element is often collapsed to a bare object (RatedShipment on Rate, PackageResults with one
 * package, ItemizedCharges, RatedShipmentAlert...).
 */
import { z } from '@hono/zod-openapi';

/** An object-or-array field as an array (undefined -> []). */
export function asArray<T>(value: T | readonly T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** A zod schema accepting one item or an array of items (UPS collapses singletons). */
export const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]);

/** UPS money: {"CurrencyCode":"USD","MonetaryValue":"9.45"} (a decimal string). */
export const UpsCharge = z.object({ CurrencyCode: z.string().min(3).max(3), MonetaryValue: z.string() });
export type UpsCharge = z.infer<typeof UpsCharge>;

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
