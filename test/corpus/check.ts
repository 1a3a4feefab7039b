/**
 * Checks one fact against what the adapter gave back. Each check reads the gateway's own
 * output types (CarrierRate[], CarrierLabel, Tracking, CarrierError) and says what it found.
 */
import { createHash } from 'node:crypto';
import { isCarrierError } from '../../src/domain/failure.ts';
import type { SeenRequest } from './replay-server.ts';
import type { Outcome } from './run.ts';
import type { Fact } from './schema.ts';

export interface FactResult {
  fact: Fact;
  ok: boolean;
  /** What the adapter gave instead (or the error that stopped it). */
  got: string;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null;

/** Equal decimals whatever their trailing zeros ("1338.5" = "1338.50"). */
export function sameDecimal(a: string, b: string): boolean {
  const norm = (s: string) => {
    const [i = '0', f = ''] = s.trim().replace(/^\+/, '').split('.');
    const int = i.replace(/^(-?)0+(?=\d)/, '$1');
    const frac = f.replace(/0+$/, '');
    return frac ? `${int}.${frac}` : int === '-0' ? '0' : int;
  };
  return norm(a) === norm(b);
}

function describeFailure(outcome: Outcome): string {
  if (outcome.ok) return 'no error';
  const e = outcome.error;
  if (isCarrierError(e)) return `${e.failureClass} ${e.code ?? '-'} "${e.message}"`;
  return `thrown ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
}

function moneyOf(v: unknown): { amount: string; currency: string } | undefined {
  return isRec(v) && typeof v.amount === 'string' && typeof v.currency === 'string'
    ? { amount: v.amount, currency: v.currency }
    : undefined;
}

const moneyText = (m: { amount: string; currency: string } | undefined) =>
  m ? `${m.amount} ${m.currency}` : 'no price';

function rates(outcome: Outcome): Rec[] | string {
  if (!outcome.ok) return describeFailure(outcome);
  return Array.isArray(outcome.value) ? outcome.value.filter(isRec) : 'not a list of rates';
}

const serviceCode = (r: Rec) =>
  isRec(r.service) && typeof r.service.code === 'string' ? r.service.code : '?';

/** A successful label or tracking answer; an error that carries what was bought counts as one too. */
function record(outcome: Outcome): Rec | string {
  if (outcome.ok) return isRec(outcome.value) ? outcome.value : 'empty answer';
  const e = outcome.error;
  if (isRec(e) && isRec(e.label)) return e.label;
  return describeFailure(outcome);
}

const TIME_ZONE = /(Z|[+-]\d{2}:?\d{2})$/;

function sameMoment(fact: string, got: string): boolean {
  if (got.slice(0, 16) === fact.slice(0, 16)) return true;
  if (!TIME_ZONE.test(fact) || !TIME_ZONE.test(got)) return false;
  // Carriers give seconds in one field and not in another: the same minute is the same moment.
  return Math.floor(Date.parse(fact) / 60_000) === Math.floor(Date.parse(got) / 60_000);
}

function latestEvent(events: Rec[]): Rec | undefined {
  let best: Rec | undefined;
  let bestAt = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    const at = typeof e.at === 'string' ? Date.parse(e.at) : Number.NaN;
    if (!best || (Number.isFinite(at) && at > bestAt)) {
      best = e;
      if (Number.isFinite(at)) bestAt = at;
    }
  }
  return best;
}

function check(fact: Fact, outcome: Outcome, seen: readonly SeenRequest[]): [boolean, string] {
  switch (fact.kind) {
    case 'rate': {
      const list = rates(outcome);
      if (typeof list === 'string') return [false, list];
      const found = list.filter((r) => serviceCode(r) === fact.service);
      if (found.length === 0)
        return [false, `no rate for ${fact.service} (got ${list.map(serviceCode).join(', ') || 'none'})`];
      const hit = found.find((r) => {
        const m = moneyOf(r.total);
        return m && m.currency === fact.total.currency && sameDecimal(m.amount, fact.total.amount);
      });
      return hit ? [true, ''] : [false, found.map((r) => moneyText(moneyOf(r.total))).join(' | ')];
    }
    case 'rate-services': {
      const list = rates(outcome);
      if (typeof list === 'string') return [false, list];
      const got = [...new Set(list.map(serviceCode))].sort();
      const want = [...new Set(fact.services)].sort();
      return [got.join(',') === want.join(','), got.join(', ') || 'none'];
    }
    case 'label-tracking':
    case 'track-number': {
      const r = record(outcome);
      if (typeof r === 'string') return [false, r];
      return [r.trackingNumber === fact.trackingNumber, String(r.trackingNumber)];
    }
    case 'label-price': {
      const r = record(outcome);
      if (typeof r === 'string') return [false, r];
      const m = moneyOf(r.price);
      return [
        !!m && m.currency === fact.total.currency && sameDecimal(m.amount, fact.total.amount),
        moneyText(m),
      ];
    }
    case 'label-document': {
      const r = record(outcome);
      if (typeof r === 'string') return [false, r];
      const doc = r.document instanceof Uint8Array ? r.document : undefined;
      if (!doc) return [false, 'no document'];
      const sha = createHash('sha256').update(doc).digest('hex');
      const ok = r.format === fact.format && doc.byteLength === fact.bytes && sha === fact.sha256;
      return [ok, `${String(r.format)} ${doc.byteLength} bytes ${sha.slice(0, 12)}`];
    }
    case 'track-status': {
      const r = record(outcome);
      if (typeof r === 'string') return [false, r];
      return [r.status === fact.status, String(r.status)];
    }
    case 'track-event-count': {
      const r = record(outcome);
      if (typeof r === 'string') return [false, r];
      const n = Array.isArray(r.events) ? r.events.length : -1;
      return [n === fact.count, `${n} events`];
    }
    case 'track-latest-event': {
      const r = record(outcome);
      if (typeof r === 'string') return [false, r];
      const e = latestEvent(Array.isArray(r.events) ? r.events.filter(isRec) : []);
      if (!e) return [false, 'no events'];
      const at = typeof e.at === 'string' ? e.at : '';
      const ok = sameMoment(fact.at, at) && (fact.code === undefined || e.code === fact.code);
      return [ok, `${at} ${String(e.code ?? '-')}`];
    }
    case 'error-class':
      return isCarrierError(outcome.ok ? undefined : outcome.error) && !outcome.ok
        ? [(outcome.error as { failureClass: string }).failureClass === fact.class, describeFailure(outcome)]
        : [false, describeFailure(outcome)];
    case 'error-code': {
      const e = outcome.ok ? undefined : outcome.error;
      return isCarrierError(e)
        ? [e.code === fact.code, describeFailure(outcome)]
        : [false, describeFailure(outcome)];
    }
    case 'error-text': {
      const e = outcome.ok ? undefined : outcome.error;
      return isCarrierError(e)
        ? [e.message.includes(fact.contains), describeFailure(outcome)]
        : [false, describeFailure(outcome)];
    }
    case 'retry-after': {
      const e = outcome.ok ? undefined : outcome.error;
      return isCarrierError(e)
        ? [e.retryAfterMs === fact.ms, `${e.retryAfterMs ?? 'none'} ms`]
        : [false, describeFailure(outcome)];
    }
    case 'token-used': {
      const presented = seen
        .filter((s) => s.method !== 'POST' || !/token/.test(s.path))
        .map((s) => String(s.headers.authorization ?? ''));
      const ok = presented.some((h) => h.replace(/^bearer\s+/i, '') === fact.accessToken);
      return [ok, presented.join(' | ') || 'no API call after the token'];
    }
  }
}

export function checkFact(fact: Fact, outcome: Outcome, seen: readonly SeenRequest[]): FactResult {
  const [ok, got] = check(fact, outcome, seen);
  return { fact, ok, got };
}
