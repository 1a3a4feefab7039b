/**
 * The shape of one corpus entry: a response a carrier really sent, where it comes from, the
 * call that makes the adapter meet it, and the facts a correct client must extract from it.
 * Facts come from what the response means as the carrier documents it, never from what an
 * adapter of this project outputs.
 */
import { z } from 'zod';
import { FAILURE_CLASSES } from '../../src/domain/failure.ts';
import { LABEL_FORMATS, SERVICE_LEVELS, TRACKING_STATUSES } from '../../src/domain/shipment.ts';

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string such as 12.50');
const currency = z.string().regex(/^[A-Z]{3}$/);

/** Where a recorded response comes from, and under which terms it may be kept. */
export const Provenance = z
  .object({
    /** A public URL, or `owner/repo@commit:path` (with the JSON path inside it, when it is one value of a file). */
    origin: z.string().min(8),
    licence: z.string().min(2),
    /** Date the bytes were retrieved from that origin (ISO date). */
    retrieved: z.iso.date(),
    kind: z.enum(['official-sample', 'spec-example', 'sdk-fixture', 'issue-report']),
    /** What it is: which situation the carrier answered. */
    what: z.string().min(8),
    /** Any change made to the bytes (none is the rule; a shortened label says so here). */
    changes: z.string().optional(),
    /**
     * How a fact was decided where the carrier's documentation settles it; a fact corrected
     * after review says what it was, what it is, and which text of the carrier decided.
     */
    notes: z.string().min(8).optional(),
  })
  .strict();
export type Provenance = z.infer<typeof Provenance>;

/** One HTTP answer served by the replay server: status, the headers that matter, the body bytes. */
export const ServedResponse = z
  .object({
    /** Which request it answers: method and a regular expression on the URL path. */
    match: z.object({ method: z.enum(['GET', 'POST', 'PUT', 'DELETE']), path: z.string().min(1) }).strict(),
    status: z.number().int().min(100).max(599),
    headers: z.record(z.string(), z.string()).default({}),
    /** File beside the entry holding the exact body bytes. */
    body: z.string().min(1),
    /**
     * Origins written in the body (e.g. a label URL on the carrier's host) that the replay
     * server stands in for: replaced by the server's own origin when served.
     */
    serveOriginsFor: z.array(z.url()).optional(),
  })
  .strict();
export type ServedResponse = z.infer<typeof ServedResponse>;

const Place = z
  .object({
    country: z.string().regex(/^[A-Z]{2}$/),
    postalCode: z.string().optional(),
    city: z.string().optional(),
    state: z.string().optional(),
  })
  .strict();

/** The request the recorded answer belongs to, as the unified API would have asked it. */
export const CallContext = z
  .object({
    from: Place.default({ country: 'US', postalCode: '30301', city: 'Atlanta', state: 'GA' }),
    to: Place.default({ country: 'US', postalCode: '10001', city: 'New York', state: 'NY' }),
    parcels: z
      .array(
        z.object({
          weight: z.object({ value: z.number().positive(), unit: z.enum(['kg', 'g', 'lb', 'oz']) }),
          dimensions: z
            .object({
              length: z.number().positive(),
              width: z.number().positive(),
              height: z.number().positive(),
              unit: z.enum(['cm', 'in']),
            })
            .optional(),
        }),
      )
      .min(1)
      .default([{ weight: { value: 1, unit: 'kg' } }]),
    /** Rate: unified levels asked for (absent: all). */
    services: z.array(z.enum(SERVICE_LEVELS)).optional(),
    /** Label: the carrier's service code asked for. */
    service: z.string().optional(),
    /** Label: the format asked for. */
    format: z.enum(LABEL_FORMATS).optional(),
    /** Track: the number asked about. */
    trackingNumber: z.string().optional(),
    /** Declared (insured) value, for shipments that cross a customs border. */
    declaredValue: z.object({ amount: z.string(), currency: z.string() }).strict().optional(),
    /**
     * Account settings the recorded answer belongs to, over the harness defaults: the call an
     * account with these settings makes is the one the recording answers (e.g. USPS
     * `rateApi: "base-rates"` for a base-rates body, `labelResponse: "multipart"` for a
     * multipart label). The replay fails an entry whose own recording was never asked for.
     */
    settings: z.record(z.string(), z.string()).optional(),
  })
  .strict();
export type CallContext = z.infer<typeof CallContext>;

const Money = z.object({ amount: decimal, currency }).strict();

/** What a correct client must get from the response. Each is checked on its own. */
export const Fact = z.discriminatedUnion('kind', [
  /** A rate for this service code at exactly this total. */
  z.object({ kind: z.literal('rate'), service: z.string(), total: Money }).strict(),
  /** The set of services offered is exactly this one (no service missing, none invented or relabelled). */
  z.object({ kind: z.literal('rate-services'), services: z.array(z.string()) }).strict(),
  /** The tracking number of the shipment bought. */
  z.object({ kind: z.literal('label-tracking'), trackingNumber: z.string() }).strict(),
  /** The label document: format, decoded length and SHA-256 of the bytes. */
  z
    .object({
      kind: z.literal('label-document'),
      format: z.enum(LABEL_FORMATS),
      bytes: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    })
    .strict(),
  /** The price the carrier charged for the shipment bought. */
  z.object({ kind: z.literal('label-price'), total: Money }).strict(),
  z.object({ kind: z.literal('track-number'), trackingNumber: z.string() }).strict(),
  z.object({ kind: z.literal('track-status'), status: z.enum(TRACKING_STATUSES) }).strict(),
  z.object({ kind: z.literal('track-event-count'), count: z.number().int().nonnegative() }).strict(),
  /**
   * The newest event: when (local date-time 'YYYY-MM-DDTHH:MM', or a full instant with offset)
   * and, when the carrier gives one, its event code.
   */
  z
    .object({
      kind: z.literal('track-latest-event'),
      at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/),
      code: z.string().optional(),
    })
    .strict(),
  /** The failure class of the gateway's vocabulary this answer means. */
  z.object({ kind: z.literal('error-class'), class: z.enum(FAILURE_CLASSES) }).strict(),
  /** The carrier's own error code. */
  z.object({ kind: z.literal('error-code'), code: z.string() }).strict(),
  /** The carrier's own error text (the error message must contain it). */
  z.object({ kind: z.literal('error-text'), contains: z.string().min(3) }).strict(),
  /** How long the carrier asked to wait. */
  z.object({ kind: z.literal('retry-after'), ms: z.number().int().nonnegative() }).strict(),
  /** The access token of a recorded token answer is the one presented on the next call. */
  z.object({ kind: z.literal('token-used'), accessToken: z.string().min(4) }).strict(),
]);
export type Fact = z.infer<typeof Fact>;

export const OPERATIONS = ['token', 'rate', 'label', 'track', 'error'] as const;
export type Operation = (typeof OPERATIONS)[number];

export const CorpusEntry = z
  .object({
    /** What the recorded response is an answer to; errors of any call are 'error'. */
    operation: z.enum(OPERATIONS),
    /** The adapter call the replay makes to meet it. */
    call: z.enum(['rate', 'label', 'track']),
    source: Provenance,
    response: ServedResponse,
    /** Other answers the call needs on its way (a payment token, a label document by URL). */
    auxiliary: z.array(ServedResponse.extend({ source: Provenance })).default([]),
    request: CallContext.default({
      from: { country: 'US', postalCode: '30301', city: 'Atlanta', state: 'GA' },
      to: { country: 'US', postalCode: '10001', city: 'New York', state: 'NY' },
      parcels: [{ weight: { value: 1, unit: 'kg' } }],
    }),
    facts: z.array(Fact).min(1),
  })
  .strict();
export type CorpusEntry = z.infer<typeof CorpusEntry>;
