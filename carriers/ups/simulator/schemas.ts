/**
 * What the twin accepts on /rating and /ship, in UPS's own field names. UPS accepts a bare
 * object where the spec says array (the spec's own examples send `Package` and
 * `ShipmentCharge` as objects), and every number as a string.
 */
import { z } from '@hono/zod-openapi';
import { schemaError, type UpsErrorSpec } from './errors.ts';

const one = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);
const numeric = z.string().regex(/^\d+(\.\d+)?$/);

export const UpsAddress = z.object({
  AddressLine: z.union([z.string(), z.array(z.string())]).optional(),
  City: z.string().min(1).max(30),
  StateProvinceCode: z.string().max(5).optional(),
  PostalCode: z.string().max(9).optional(),
  CountryCode: z.string().regex(/^[A-Z]{2}$/),
});

const Party = z.object({
  Name: z.string().min(1).max(35),
  ShipperNumber: z.string().optional(),
  Address: UpsAddress,
});

const ShipmentCharge = one(
  z.object({ Type: z.string().min(2), BillShipper: z.object({ AccountNumber: z.string() }).optional() }),
);

const Dimensions = z.object({
  UnitOfMeasurement: z.object({ Code: z.enum(['IN', 'CM']) }),
  Length: numeric,
  Width: numeric,
  Height: numeric,
});

const PackageWeight = z.object({
  UnitOfMeasurement: z.object({ Code: z.enum(['LBS', 'KGS', 'OZS']) }),
  Weight: numeric.refine((w) => Number(w) > 0),
});

export const RatePackage = z.object({
  PackagingType: z.object({ Code: z.string() }).optional(),
  Dimensions: Dimensions.optional(),
  PackageWeight,
});

export const RateRequestBody = z.object({
  RateRequest: z.object({
    Request: z
      .object({ TransactionReference: z.object({ CustomerContext: z.string() }).optional() })
      .optional(),
    Shipment: z.object({
      Shipper: Party,
      ShipTo: Party,
      ShipFrom: Party.optional(),
      PaymentDetails: z.object({ ShipmentCharge }).optional(),
      Service: z.object({ Code: z.string().min(1).max(3) }).optional(),
      Package: one(RatePackage),
    }),
  }),
});
export type RateRequestBody = z.infer<typeof RateRequestBody>;

export const ShipPackage = z.object({
  Packaging: z.object({ Code: z.string() }),
  Dimensions: Dimensions.optional(),
  PackageWeight,
  ReferenceNumber: one(z.object({ Value: z.string() })).optional(),
});

export const ShipRequestBody = z.object({
  ShipmentRequest: z.object({
    Request: z.object({
      RequestOption: z.string().optional(),
      TransactionReference: z.object({ CustomerContext: z.string() }).optional(),
    }),
    Shipment: z.object({
      Description: z.string().optional(),
      Shipper: Party.extend({ ShipperNumber: z.string() }),
      ShipTo: Party,
      ShipFrom: Party.optional(),
      PaymentInformation: z.object({ ShipmentCharge }),
      Service: z.object({ Code: z.string().min(1).max(3) }),
      Package: one(ShipPackage),
    }),
    LabelSpecification: z.object({
      LabelImageFormat: z.object({ Code: z.string() }),
      HTTPUserAgent: z.string().optional(),
      LabelStockSize: z.object({ Height: z.string(), Width: z.string() }).optional(),
    }),
  }),
});
export type ShipRequestBody = z.infer<typeof ShipRequestBody>;

/** The first schema problem as UPS would name it ("Missing or invalid Shipment/ShipTo/Address/City"). */
export function firstProblem(error: z.ZodError): UpsErrorSpec {
  const issue = error.issues[0];
  const path = (issue?.path ?? []).filter((p) => typeof p === 'string').join('/');
  return schemaError(path || 'request body');
}

export const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
