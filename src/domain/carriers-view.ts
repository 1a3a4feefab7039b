/** The answer of GET /v1/carriers: each carrier and account, its auth health and breakers. */
import { z } from '@hono/zod-openapi';
import { FailureClassSchema, LabelFormat, ServiceRef } from './shipment.ts';

export const BreakerView = z
  .object({
    state: z.enum(['closed', 'open', 'half_open']),
    failures: z.number().int().nonnegative(),
    successes: z.number().int().nonnegative(),
    rejects: z.number().int().nonnegative(),
    openedAt: z.string().optional(),
  })
  .strict()
  .openapi('BreakerView');
export type BreakerView = z.infer<typeof BreakerView>;

export const AuthHealthView = z
  .object({
    state: z.enum(['healthy', 'degraded', 'failing', 'unknown']),
    score: z.number().min(0).max(100).optional(),
    classification: z.union([FailureClassSchema, z.literal('healthy')]),
    action: z.string().optional().openapi({ description: 'The runbook action the classification implies.' }),
  })
  .strict()
  .openapi('AuthHealth');
export type AuthHealthView = z.infer<typeof AuthHealthView>;

export const CarrierAccountView = z
  .object({
    id: z.string(),
    environment: z.enum(['sandbox', 'production']),
    authMethod: z.string(),
    labels: z.record(z.string(), z.string()),
    health: AuthHealthView,
    breakers: z.object({ auth: BreakerView, api: BreakerView }).strict(),
    token: z.object({ cached: z.boolean(), expiresAt: z.string().optional() }).strict().optional(),
  })
  .strict()
  .openapi('CarrierAccount');
export type CarrierAccountView = z.infer<typeof CarrierAccountView>;

export const CarrierView = z
  .object({
    id: z.string(),
    name: z.string(),
    rateSource: z.enum(['live', 'table']),
    labelFormats: z.array(LabelFormat),
    services: z.array(ServiceRef),
    fallbacks: z.array(z.string()),
    accounts: z.array(CarrierAccountView),
  })
  .strict()
  .openapi('Carrier');
export type CarrierView = z.infer<typeof CarrierView>;

export const CarriersResponse = z
  .object({ carriers: z.array(CarrierView) })
  .strict()
  .openapi('CarriersResponse');
export type CarriersResponse = z.infer<typeof CarriersResponse>;
