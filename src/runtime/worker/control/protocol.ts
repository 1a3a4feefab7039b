/**
 * The control plane's wire on Workers: what an isolate asks a control object (one Durable
 * Object per key group) and what it answers. JSON over the object's fetch, checked with zod on
 * both ends. The `{fleet}` object also keeps the broadcast log isolates poll.
 */
import { z } from '@hono/zod-openapi';

const Key = z.string().min(1).max(1024);
/** A JSON value: what the control store holds (readers validate its shape themselves). */
const Value = z.unknown();
const Ttl = z
  .number()
  .int()
  .positive()
  .max(400 * 24 * 3600 * 1000);

export const ControlCall = z.discriminatedUnion('op', [
  z.object({ op: z.literal('get'), key: Key }),
  z.object({
    op: z.literal('compareAndSet'),
    key: Key,
    expectedVersion: z.number().int().min(0),
    value: Value,
    ttlMs: Ttl.optional(),
  }),
  z.object({ op: z.literal('take'), key: Key }),
  z.object({ op: z.literal('delete'), key: Key }),
  z.object({ op: z.literal('mapGet'), key: Key }),
  z.object({ op: z.literal('mapSet'), key: Key, field: z.string().min(1).max(1024), value: Value }),
  z.object({ op: z.literal('mapDelete'), key: Key, field: z.string().min(1).max(1024) }),
  z.object({
    op: z.literal('increment'),
    key: Key,
    deltas: z.record(z.string(), z.number().finite()),
    ttlMs: Ttl,
  }),
  z.object({ op: z.literal('counters'), key: Key }),
  /** Appends a message to the broadcast log (the `{fleet}` object only). */
  z.object({ op: z.literal('publish'), topic: z.string().min(1).max(200), from: z.string(), message: Value }),
  /** The log after `after` (absent: none, only the current position, for a new isolate). */
  z.object({
    op: z.literal('poll'),
    after: z.number().int().min(0).optional(),
    /** The polling isolate's heartbeat (a map field of this object), written with the poll. */
    beat: z.object({ key: Key, field: z.string().min(1).max(1024), value: Value }).optional(),
  }),
]);
export type ControlCall = z.input<typeof ControlCall>;

export const Versioned = z.object({ value: Value, version: z.number().int().positive() });

export const LogEntry = z.object({
  seq: z.number().int().positive(),
  topic: z.string(),
  /** The publishing instance: it delivered the message to itself already. */
  from: z.string(),
  at: z.number(),
  message: Value,
});
export type LogEntry = z.infer<typeof LogEntry>;

/** One answer shape for every op: the field the op fills, the others absent. */
export const ControlAnswer = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    entry: Versioned.optional(),
    /** compareAndSet: written, with the new version; or refused, with `entry` the current one. */
    written: z.boolean().optional(),
    version: z.number().int().optional(),
    value: Value.optional(),
    map: z.record(z.string(), Value).optional(),
    counters: z.record(z.string(), z.number()).optional(),
    /** publish/poll: the log's last sequence number. */
    seq: z.number().int().min(0).optional(),
    entries: z.array(LogEntry).optional(),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type ControlAnswer = z.infer<typeof ControlAnswer>;

/** The object a key lives in: one per key group, so an account's keys live together. */
export const controlName = (group: string) => `control/${group}`;
/** The group whose object keeps the broadcast log. */
export const BROADCAST_GROUP = 'fleet';

export const CONTROL_URL = 'https://control-plane.internal/call';
