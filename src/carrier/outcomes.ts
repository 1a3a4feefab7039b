/**
 * The errors and label answers every adapter builds the same way, so the same situation gets
 * the same class, send outcome and problem type whichever carrier it happens with.
 *
 * - Refused before sending (bad input, missing setting): nothing was sent, safe to fail over.
 * - An unreadable 2xx answer: class `malformed`, outcome `ambiguous` (the carrier received
 *   and may have acted on the request), code UNREADABLE_RESPONSE. For a label this is
 *   `label-outcome-unknown`: it is never bought again elsewhere.
 * - A label answer with a tracking number: bought, with what is known (price, document or
 *   why the document is missing), even when other parts of the answer could not be read.
 */
import type { z } from '@hono/zod-openapi';
import { CarrierError, type FailureClass } from '../domain/failure.ts';
import type { LabelFormat, Money } from '../domain/shipment.ts';
import { type BodyRead, readBody, UnreadableBodyError } from './body.ts';
import type { CarrierContext, CarrierLabel, MissingDocument, UpstreamResponse } from './definition.ts';
import { concatDocuments, type DocumentRead } from './documents.ts';

export const UNREADABLE_RESPONSE = 'UNREADABLE_RESPONSE';

type Who = Pick<CarrierContext, 'carrier' | 'account'>;

/** A request refused before anything reached the carrier (the caller's content, or the gateway's rules). */
export function refusedBeforeSending(ctx: Who, code: string, message: string): CarrierError {
  return new CarrierError({
    carrier: ctx.carrier,
    account: ctx.account.id,
    failureClass: 'rejected',
    outcome: 'not_sent',
    code,
    message,
  });
}

/** A 2xx answer that cannot be read: the carrier got the request and may have acted on it. */
export function unreadableAnswer(ctx: Who, status: number, detail: string, cause?: unknown): CarrierError {
  return new CarrierError({
    carrier: ctx.carrier,
    account: ctx.account.id,
    failureClass: 'malformed',
    outcome: 'ambiguous',
    code: UNREADABLE_RESPONSE,
    message: `${ctx.carrier} answered HTTP ${status} with an answer that could not be read: ${detail}`,
    status,
    cause,
  });
}

/**
 * Runs `read` over a 2xx answer; an UnreadableBodyError (the answer lacks what the operation
 * needs) becomes the kit's unreadable answer: malformed, ambiguous.
 */
export function readOrUnreadable<T>(ctx: Who, status: number, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof UnreadableBodyError)) throw error;
    throw unreadableAnswer(ctx, status, error.message, error);
  }
}

/** Interprets a 2xx JSON answer with `read` (tolerant rule); one that is not JSON is unreadable. */
export function interpretAnswer<T>(
  ctx: Who,
  res: Pick<UpstreamResponse, 'status' | 'json'>,
  read: (json: unknown) => T,
): T {
  const json = res.json();
  if (json === undefined) throw unreadableAnswer(ctx, res.status, 'the body is not JSON');
  return readOrUnreadable(ctx, res.status, () => read(json));
}

/** A 2xx JSON answer read with `schema` by the tolerant rule. */
export function readAnswer<S extends z.ZodType>(
  ctx: Who,
  res: Pick<UpstreamResponse, 'status' | 'json'>,
  schema: S,
): BodyRead<z.output<S>> {
  return interpretAnswer(ctx, res, (json) => readBody(schema, json));
}

/** A refusal the carrier wrote inside a 2xx answer (an `errors` list, an ERROR message). */
export function refusedInAnswer(
  ctx: Who,
  status: number,
  verdict: { failureClass: FailureClass; code: string; message: string; auth?: boolean | undefined },
): CarrierError {
  return new CarrierError({
    carrier: ctx.carrier,
    account: ctx.account.id,
    failureClass: verdict.failureClass,
    outcome: 'rejected',
    code: verdict.code,
    message: verdict.message,
    status,
    auth: verdict.auth ?? false,
  });
}

/** What an adapter read from a label answer. */
export interface ShipmentFacts {
  trackingNumber: string | undefined;
  price?: Money | undefined;
  /** One document per package or piece, in order (an empty list: the answer had none). */
  documents: readonly DocumentRead[];
  /** Where the carrier offers the document when it did not include it. */
  documentUrl?: string | undefined;
  warnings?: readonly string[];
  requested: LabelFormat;
  /** HTTP status of the answer, for the outcome-unknown message. */
  status: number;
}

function missing(facts: ShipmentFacts): MissingDocument {
  const first = facts.documents[0];
  const base: MissingDocument =
    first && !first.ok
      ? { reason: first.reason, detail: first.detail }
      : { reason: 'missing', detail: 'the answer holds no label document' };
  return facts.documentUrl === undefined ? base : { ...base, url: facts.documentUrl };
}

/**
 * The label of a shipment the carrier created. Throws the ambiguous `malformed` error when
 * the answer does not even name the tracking number: the shipment may exist, nobody knows.
 */
export function boughtLabel(ctx: Who, facts: ShipmentFacts): CarrierLabel {
  if (facts.trackingNumber === undefined) {
    throw unreadableAnswer(ctx, facts.status, 'it names no tracking number');
  }
  const warnings = [...(facts.warnings ?? [])];
  const price = facts.price === undefined ? {} : { price: facts.price };
  const readable = facts.documents.filter((d): d is Extract<DocumentRead, { ok: true }> => d.ok);
  const first = facts.documents[0];
  if (!first?.ok) {
    const why = missing(facts);
    warnings.push(
      `the shipment was created but its label document is ${why.reason.replace('_', ' ')}: ${why.detail}`,
    );
    return {
      trackingNumber: facts.trackingNumber,
      format: facts.requested,
      missingDocument: why,
      ...price,
      warnings,
    };
  }
  const unreadable = facts.documents.length - readable.length;
  if (unreadable > 0) warnings.push(`${unreadable} further label document(s) could not be read`);
  let document = first.bytes;
  if (readable.length > 1) {
    if (readable.every((d) => d.format === 'ZPL')) document = concatDocuments(readable.map((d) => d.bytes));
    else warnings.push(`${readable.length} label documents were returned; only the first is included`);
  }
  if (first.format !== facts.requested) {
    warnings.push(`asked for ${facts.requested}, the carrier returned ${first.format}`);
  }
  return {
    trackingNumber: facts.trackingNumber,
    format: first.format,
    document,
    mediaType: first.mediaType,
    ...price,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
