/**
 * One recorded answer, as the load generator saw it from the caller's side, and how it is
 * classified: a rate, a label, a tracking result, a catalog problem (name and failure class),
 * or no answer at all (the connection failed on every instance tried, or the deadline passed).
 */
import type { RequestKind } from './mix.ts';

export interface AnswerRecord {
  id: number;
  kind: RequestKind;
  /** Epoch ms when the request was due (open loop: latency counts from here). */
  dueAt: number;
  doneAt: number;
  /** The instance that answered (or was tried last). */
  instance: number;
  /** Connection attempts (a failed connection is tried again on the next instance). */
  tries: number;
  /**
   * Tries whose connection died after the request may have reached the gateway (reset, closed:
   * not refused, not a connect timeout). Such a try may have claimed a label's key.
   */
  lostTries?: number;
  status: number;
  /** rate | label | tracking | problem:<name> | no-answer | timeout */
  outcome: string;
  problemClass?: string;
  carrier?: string;
  servedBy?: string;
  key?: string;
  reference?: string;
  trackingNumber?: string;
  flaw?: string;
  /** For answers that break an invariant: a short excerpt of the body. */
  excerpt?: string;
}

interface ProblemBody {
  type?: string;
  class?: string;
  carrier?: string;
}

export function classify(status: number, contentType: string, text: string): Partial<AnswerRecord> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { outcome: `unparseable:${status}`, excerpt: text.slice(0, 200) };
  }
  if (contentType.includes('problem+json')) {
    const problem = body as ProblemBody;
    const name = (problem.type ?? '').replace(/^.*\/problems\//, '') || 'untyped';
    return {
      outcome: `problem:${name}`,
      ...(problem.class ? { problemClass: problem.class } : {}),
      ...(problem.carrier ? { carrier: problem.carrier } : {}),
      ...(name === 'internal' || name === 'untyped' ? { excerpt: text.slice(0, 300) } : {}),
    };
  }
  const ok = body as {
    rates?: unknown[];
    routing?: { servedBy?: string | null }[] | { servedBy?: string | null };
    trackingNumber?: string;
    carrier?: string;
    events?: unknown[];
  };
  if (status === 200 && Array.isArray(ok.rates)) {
    const routing = Array.isArray(ok.routing) ? ok.routing : [];
    const served = routing.map((r) => r.servedBy).filter((s): s is string => typeof s === 'string');
    return { outcome: ok.rates.length > 0 ? 'rate' : 'rate-empty', servedBy: served.join(',') };
  }
  if (status === 201 && typeof ok.trackingNumber === 'string') {
    return { outcome: 'label', trackingNumber: ok.trackingNumber, servedBy: ok.carrier ?? '' };
  }
  if (status === 200 && typeof ok.trackingNumber === 'string' && Array.isArray(ok.events)) {
    return { outcome: 'tracking' };
  }
  return { outcome: `unexpected:${status}`, excerpt: text.slice(0, 200) };
}
