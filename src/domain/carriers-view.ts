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

/** Triage verdicts: the operator's view of a failure class (health monitoring, alerts). */
export const TRIAGE_CLASSES = [
  'healthy',
  'throttled',
  'token_expired',
  'revoked',
  'misconfigured',
  'unavailable',
] as const;
export const RUNBOOK_KINDS = ['none', 'fail_over', 'wait', 're_authenticate', 'fix_configuration'] as const;
export const HEALTH_STATES = ['healthy', 'degraded', 'failing', 'unknown'] as const;

export const TriageView = z
  .object({
    classification: z.enum(TRIAGE_CLASSES),
    action: z.enum(RUNBOOK_KINDS),
    text: z.string().openapi({ description: 'What to do, in one sentence.' }),
    retryAfterSeconds: z.number().int().positive().optional(),
    connectUrl: z
      .string()
      .optional()
      .openapi({ description: 'Where to re-authenticate (authorization-code accounts).' }),
    fix: z.array(z.string()).optional().openapi({ description: 'Which scope, key or setting to fix.' }),
    fallbacks: z.array(z.string()).optional(),
    evidence: z.string().optional().openapi({ description: 'Which signal the verdict comes from.' }),
  })
  .strict()
  .openapi('Triage');
export type TriageView = z.infer<typeof TriageView>;

export const ProbeSummaryView = z
  .object({
    at: z.string(),
    outcome: z.enum(['pass', 'degraded', 'fail']),
    latencyMs: z.number().nonnegative(),
    class: FailureClassSchema.optional(),
    code: z.string().optional(),
  })
  .strict()
  .openapi('ProbeSummary');
export type ProbeSummaryView = z.infer<typeof ProbeSummaryView>;

export const AuthHealthView = z
  .object({
    state: z.enum(HEALTH_STATES),
    score: z.number().min(0).max(100).optional(),
    classification: z.union([FailureClassSchema, z.literal('healthy')]),
    action: z.string().optional().openapi({ description: 'The runbook action the classification implies.' }),
    triage: TriageView.optional(),
    penalties: z
      .record(z.string(), z.number())
      .optional()
      .openapi({ description: 'Score penalties by signal (the README documents the formula).' }),
    probe: ProbeSummaryView.optional(),
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
    health: z
      .object({ state: z.enum(HEALTH_STATES), score: z.number().min(0).max(100).optional() })
      .strict()
      .optional()
      .openapi({ description: 'The carrier as healthy as its weakest account.' }),
  })
  .strict()
  .openapi('Carrier');
export type CarrierView = z.infer<typeof CarrierView>;

export const CarriersResponse = z
  .object({ carriers: z.array(CarrierView) })
  .strict()
  .openapi('CarriersResponse');
export type CarriersResponse = z.infer<typeof CarriersResponse>;
