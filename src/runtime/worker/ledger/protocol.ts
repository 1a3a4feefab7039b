/**
 * The idempotency ledger's wire: one Durable Object per Idempotency-Key records the first
 * request's body fingerprint and, once known, its outcome (a label or a replayable error).
 */
import { z } from '@hono/zod-openapi';
import { ErrorWire } from '../../../domain/error-wire.ts';
import { Label } from '../../../domain/shipment.ts';

export const Outcome = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: Label }),
  z.object({ ok: z.literal(false), error: ErrorWire }),
]);
export type Outcome = z.infer<typeof Outcome>;

export const LedgerCall = z.discriminatedUnion('op', [
  /** Claims the key, or reports who has it; waits up to `waitMs` for a first request still running. */
  z.object({
    op: z.literal('begin'),
    fingerprint: z.string().min(1),
    waitMs: z.number().int().min(0).max(60_000),
  }),
  z.object({ op: z.literal('settle'), fingerprint: z.string().min(1), outcome: Outcome }),
]);
export type LedgerCall = z.input<typeof LedgerCall>;

export const LedgerAnswer = z.discriminatedUnion('state', [
  /** The caller owns the key: do the work, then settle. */
  z.object({ state: z.literal('run') }),
  z.object({ state: z.literal('settled'), outcome: Outcome }),
  /** The same key was first used with another body. */
  z.object({ state: z.literal('conflict') }),
  /** The first request is still running. */
  z.object({ state: z.literal('pending') }),
  /** The first request never settled (its isolate went away): its outcome is unknown. */
  z.object({ state: z.literal('abandoned') }),
  z.object({ state: z.literal('recorded') }),
]);
export type LedgerAnswer = z.infer<typeof LedgerAnswer>;

export const ledgerName = (idempotencyKey: string) => `label/${idempotencyKey}`;

export const LEDGER_URL = 'https://idempotency-ledger.internal/call';
