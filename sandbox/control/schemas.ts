/** Zod schemas of the control API's inputs. */
import { z } from '@hono/zod-openapi';
import { API_FAULT_KINDS, TOKEN_FAULT_KINDS } from '../kit/types.ts';

const ALL_KINDS = [...new Set<string>([...TOKEN_FAULT_KINDS, ...API_FAULT_KINDS])] as [string, ...string[]];
const TOKEN_KINDS: ReadonlySet<string> = new Set(TOKEN_FAULT_KINDS);
const API_KINDS: ReadonlySet<string> = new Set(API_FAULT_KINDS);

const id = z.string().min(1).max(200);

export const FaultParamsSchema = z
  .object({
    retryAfter: z.number().int().nonnegative().optional(),
    retryAfterFormat: z.enum(['seconds', 'date', 'none']).optional(),
    status: z.number().int().min(100).max(599).optional(),
    delayMs: z.number().int().nonnegative().max(600_000).optional(),
    lifetimeSeconds: z.number().nonnegative().optional(),
    message: z.string().max(500).optional(),
  })
  .catchall(z.union([z.string().max(500), z.number(), z.boolean()]));

export const FaultSpecSchema = z
  .object({
    carrier: id,
    account: id.optional(),
    target: z.enum(['token', 'api']),
    endpoint: id.optional(),
    kind: z.enum(ALL_KINDS),
    probability: z.number().min(0).max(1).optional(),
    count: z.number().int().positive().optional(),
    durationMs: z.number().int().positive().optional(),
    params: FaultParamsSchema.optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const allowed = spec.target === 'token' ? TOKEN_KINDS : API_KINDS;
    if (!allowed.has(spec.kind)) {
      ctx.addIssue({
        code: 'custom',
        path: ['kind'],
        message: `kind '${spec.kind}' is not a ${spec.target} fault`,
      });
    }
  });

export const ModeSchema = z
  .object({
    carrier: id,
    account: id.optional(),
    strictRotation: z.boolean().optional(),
    rotateRefreshTokens: z.boolean().optional(),
    tokenLifetimeSeconds: z.number().int().nonnegative().optional(),
  })
  .strict();

export const RevokeSchema = z.object({ carrier: id, account: id.optional() }).strict();

export const SimAccountSchema = z
  .object({
    id,
    secrets: z.record(z.string(), z.string()),
    settings: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const AddAccountSchema = z.object({ carrier: id, account: SimAccountSchema }).strict();
