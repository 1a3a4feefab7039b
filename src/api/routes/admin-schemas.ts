/** Schemas of the admin API: what it accepts and answers (never a secret value or a token). */
import { z } from '@hono/zod-openapi';
import { RUNBOOK_KINDS, TRIAGE_CLASSES } from '../../domain/carriers-view.ts';
import { FailureClassSchema } from '../../domain/shipment.ts';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);

export const AccountParams = z.object({
  carrier: id.openapi({ param: { name: 'carrier', in: 'path' }, example: 'acme' }),
  account: id.openapi({ param: { name: 'account', in: 'path' }, example: 'main' }),
});

const Token = z
  .object({
    name: z.string(),
    cached: z.boolean(),
    issuedAt: z.string().optional(),
    expiresAt: z.string().optional(),
    hasRefreshToken: z.boolean(),
    refreshTokenExpiresAt: z.string().optional(),
    scope: z.string().optional(),
  })
  .openapi('InventoryToken');

export const CredentialInventory = z
  .object({
    credentials: z.array(
      z
        .object({
          carrier: z.string(),
          account: z.string(),
          environment: z.string(),
          labels: z.record(z.string(), z.string()),
          kind: z.string().openapi({ description: 'The auth method.' }),
          credentialFields: z
            .array(z.string())
            .openapi({ description: 'Configured credential field names.' }),
          tokens: z.array(Token),
          issuedAt: z.string().optional(),
          expiresAt: z.string().optional(),
          lastUsedAt: z.string().optional(),
          refreshCount: z.number().int().nonnegative(),
          rotation: z.object({
            credentialExpiresAt: z.string().optional(),
            rotationDueAt: z.string().optional(),
            due: z.boolean(),
          }),
          dormant: z.boolean(),
          idleDays: z.number().int().nonnegative(),
        })
        .openapi('CredentialInventoryEntry'),
    ),
  })
  .openapi('CredentialInventory');

export const RevokeBody = z
  .object({
    dropAuthorization: z.boolean().optional().openapi({
      description: 'Also delete and revoke the refresh token: the account must re-authenticate.',
    }),
    carrierRevoke: z
      .boolean()
      .optional()
      .openapi({ description: "Call the carrier's revocation endpoint where it has one (default true)." }),
  })
  .strict()
  .openapi('RevokeRequest');

const CarrierRevocation = z.enum(['revoked', 'failed', 'unsupported', 'nothing_to_revoke', 'skipped']);

const FleetAcknowledgements = z
  .object({
    instances: z
      .number()
      .int()
      .nonnegative()
      .openapi({ description: 'Live gateway instances when it was announced.' }),
    acknowledged: z
      .array(z.object({ instance: z.string(), ms: z.number().nonnegative() }))
      .openapi({ description: 'Instances that dropped the tokens from memory, and how soon (ms).' }),
    durationMs: z.number().nonnegative(),
  })
  .openapi('FleetAcknowledgements');

export const RevokeResult = z
  .object({
    carrier: z.string(),
    account: z.string(),
    tokensDropped: z.number().int().nonnegative(),
    refreshTokensDropped: z.number().int().nonnegative(),
    carrierRevocation: CarrierRevocation,
    durationMs: z.number().nonnegative(),
    fleet: FleetAcknowledgements,
  })
  .openapi('RevokeResult');

export const RevokeAllBody = z
  .object({ carrierRevoke: z.boolean().optional() })
  .strict()
  .openapi('RevokeAllRequest');

export const RevokeAllResult = z
  .object({
    accounts: z.number().int().nonnegative(),
    tokensDropped: z.number().int().nonnegative(),
    remaining: z.number().int().nonnegative(),
    carrierRevocations: z.array(
      z.object({ carrier: z.string(), account: z.string(), outcome: CarrierRevocation }),
    ),
    carriersWithoutRevocation: z.array(z.string()).openapi({
      description: 'Carriers with no revocation endpoint: their tokens were dropped by the gateway only.',
    }),
    durationMs: z.number().nonnegative(),
    startedAt: z.string(),
    fleet: FleetAcknowledgements,
  })
  .openapi('RevokeAllResult');

export const ReloadResult = z
  .object({
    changed: z.array(z.object({ carrier: z.string(), account: z.string(), fields: z.array(z.string()) })),
    unchanged: z.number().int().nonnegative(),
    missing: z.array(z.string()),
    added: z.array(z.string()),
  })
  .openapi('ReloadResult');

export const BreakerBody = z
  .object({ kind: z.enum(['auth', 'api']), state: z.enum(['open', 'closed']) })
  .strict()
  .openapi('ForceBreakerRequest');

export const BreakerResult = z
  .object({
    carrier: z.string(),
    account: z.string(),
    breakers: z.object({ auth: z.string(), api: z.string() }),
  })
  .openapi('ForceBreakerResult');

export const ProbeBody = z
  .object({
    concurrent: z
      .number()
      .int()
      .min(2)
      .max(10)
      .optional()
      .openapi({ description: 'Refresh this many tokens at once, then check each is still accepted.' }),
    fresh: z
      .boolean()
      .optional()
      .openapi({ description: 'Obtain a new token even when the probe token budget is spent.' }),
  })
  .strict()
  .openapi('ProbeRequest');

export const ProbeResultSchema = z
  .object({
    carrier: z.string(),
    account: z.string(),
    kind: z.enum(['scheduled', 'on_demand', 'concurrent']),
    at: z.string(),
    outcome: z.enum(['pass', 'degraded', 'fail']),
    class: FailureClassSchema.optional(),
    code: z.string().optional(),
    latencyMs: z.number().nonnegative(),
    steps: z.array(
      z.object({
        step: z.enum(['token', 'payload', 'api', 'concurrent']),
        ok: z.boolean().nullable(),
        latencyMs: z.number().optional(),
        detail: z.string(),
        class: FailureClassSchema.optional(),
        code: z.string().optional(),
      }),
    ),
    findings: z.array(
      z.object({ severity: z.enum(['fail', 'warn']), code: z.string(), message: z.string() }),
    ),
    concurrent: z
      .object({ instances: z.number(), tokensObtained: z.number(), tokensAccepted: z.number() })
      .optional(),
  })
  .openapi('ProbeResult');

const AlertSchema = z
  .object({
    id: z.string(),
    status: z.enum(['firing', 'resolved']),
    rule: z.string(),
    severity: z.enum(['warning', 'critical']),
    carrier: z.string().optional(),
    account: z.string().optional(),
    subject: z.string().optional(),
    summary: z.string(),
    value: z.string(),
    threshold: z.string(),
    startedAt: z.string(),
    resolvedAt: z.string().optional(),
    triage: z
      .object({
        failureClass: FailureClassSchema.optional(),
        classification: z.enum(TRIAGE_CLASSES),
        runbook: z.looseObject({ kind: z.enum(RUNBOOK_KINDS), text: z.string() }),
      })
      .optional(),
  })
  .openapi('Alert');

export const AlertsResult = z
  .object({ open: z.array(AlertSchema), recent: z.array(AlertSchema) })
  .openapi('Alerts');

const HistoryMinuteSchema = z
  .object({
    at: z.string(),
    tokenCalls: z.number().int().nonnegative(),
    tokenSuccessRate: z.number().min(0).max(1).optional(),
    refreshP50Ms: z.number().nonnegative().optional(),
    refreshP95Ms: z.number().nonnegative().optional(),
    unauthorized: z.number().int().nonnegative(),
    failovers: z.number().int().nonnegative(),
  })
  .openapi('DashboardHistoryMinute');

const DashboardAccountSchema = z
  .looseObject({
    id: z.string(),
    history: z
      .object({ from: z.string(), minutes: z.array(HistoryMinuteSchema) })
      .openapi({ description: 'The last hour, per minute (minutes that saw nothing are left out).' }),
    incident: z
      .object({
        id: z.string(),
        rule: z.string(),
        severity: z.enum(['warning', 'critical']),
        summary: z.string(),
        startedAt: z.string(),
        classification: z.string().optional(),
        runbook: z.object({ kind: z.string(), text: z.string() }).optional(),
      })
      .optional()
      .openapi({ description: "The account's open incident, with its triage verdict and runbook step." }),
    nextExpiry: z.object({ name: z.string(), at: z.string() }).optional(),
  })
  .openapi('DashboardAccount');

export const DashboardStateSchema = z
  .object({
    generatedAt: z.string(),
    carriers: z.array(z.looseObject({ id: z.string(), accounts: z.array(DashboardAccountSchema) })),
    alerts: AlertsResult,
    failovers: z.array(z.looseObject({})),
  })
  .openapi('DashboardState');
