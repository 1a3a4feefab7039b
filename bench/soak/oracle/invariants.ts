/**
 * The oracle: each invariant of the soak, checked from the other side (what the callers got,
 * what the simulators counted, what /proc says about the gateway processes). A result says
 * whether it held, in one line, and lists the first violations found.
 */
import type { CarrierStatsSnapshot } from '../../../sandbox/kit/types.ts';
import { PROBLEM_TABLE } from '../../../src/api/problems.ts';
import type { AnswerRecord } from '../load/answers.ts';
import type { RequestKind } from '../load/mix.ts';
import type { ProcessSample } from '../processes/gateway.ts';
import type { BreakerSnapshot, TokenSample } from './samplers.ts';

export interface InvariantResult {
  id: string;
  title: string;
  holds: boolean;
  summary: string;
  /** The first violations (at most 20), for the report. */
  violations: string[];
}

const CATALOG = new Map<string, { status: number; members: readonly string[] }>(
  PROBLEM_TABLE.map((p) => [p.name, { status: p.status, members: p.members }]),
);

const FIRST = 20;
const result = (id: string, title: string, violations: string[], summary: string): InvariantResult => ({
  id,
  title,
  holds: violations.length === 0,
  summary: violations.length === 0 ? summary : `${summary}; ${violations.length} violation(s)`,
  violations:
    violations.length > FIRST
      ? [...violations.slice(0, FIRST), `… and ${violations.length - FIRST} more`]
      : violations,
});

/** Outcomes each kind of request may end in, beyond catalog problems that fit it. */
const SUCCESS: Record<RequestKind, readonly string[]> = {
  rate: ['rate', 'rate-empty'],
  label: ['label'],
  'label-repeat': ['label'],
  'label-repeat-concurrent': ['label'],
  'label-conflict': [],
  tracking: ['tracking'],
  'bad-input': [],
};
/** Problems a valid request must never get (its body, key and caller key are all right). */
const NEVER_FOR_VALID = [
  'validation',
  'malformed-json',
  'unauthorized',
  'forbidden',
  'method-not-allowed',
  'payload-too-large',
  'unsupported-media-type',
  'idempotency-conflict',
];
/** Problems a kind of request must get (when listed, nothing else is right). */
const ONLY: Partial<Record<RequestKind, readonly string[]>> = {
  'bad-input': ['validation', 'malformed-json', 'unprocessable', 'not-found'],
  // While the shared store cannot say whether the key was used, nothing is bought: 503.
  'label-conflict': ['idempotency-conflict', 'idempotency-in-progress', 'idempotency-unavailable'],
};

function answerViolation(r: AnswerRecord, deadlineMs: number, start: number): string | undefined {
  const at = ((r.dueAt - start) / 1000).toFixed(1);
  const where = `#${r.id} at ${at}s ${r.kind}${r.flaw ? ` (${r.flaw})` : ''}${r.key ? ` key ${r.key}` : ''} on gateway ${r.instance}`;
  if (r.doneAt - r.dueAt > deadlineMs + 1_000) return `${where}: answered after ${r.doneAt - r.dueAt} ms`;
  if (SUCCESS[r.kind].includes(r.outcome)) return undefined;
  if (!r.outcome.startsWith('problem:')) return `${where}: ${r.outcome}${r.excerpt ? ` ${r.excerpt}` : ''}`;
  const name = r.outcome.slice('problem:'.length);
  const entry = CATALOG.get(name);
  if (!entry || name === 'internal') return `${where}: ${r.outcome}${r.excerpt ? ` ${r.excerpt}` : ''}`;
  if (entry.status !== r.status)
    return `${where}: ${name} with status ${r.status} (catalog: ${entry.status})`;
  if (entry.members.includes('class') && !r.problemClass) return `${where}: ${name} without a failure class`;
  const only = ONLY[r.kind];
  if (only && !only.includes(name)) return `${where}: ${name}, expected ${only.join(' or ')}`;
  if (!only && NEVER_FOR_VALID.includes(name)) return `${where}: ${name} for a valid request`;
  return undefined;
}

/**
 * A "conflicting" body sent under a key nothing was ever recorded for (its earlier requests were
 * all refused with idempotency-unavailable, so nothing was bought or kept) is the key's first
 * real use: it is judged as a label request, and the key belongs to that body from then on (a
 * later repeat of the original body is rightly a conflict). One exception: a refusal after a
 * try lost mid-request (its instance died, `lostTries`) may have been the wait on a claim that
 * lost try made, so the key may be taken; the conflicting body may then be refused as a
 * conflict (or bought, if the claim was never made: a second purchase would show in the label
 * books, which count both bodies).
 */
function keysFirstUsedByConflict(records: readonly AnswerRecord[]): Set<string> {
  const first = new Map<string, AnswerRecord>();
  /** The earliest refusal after a lost try, per key. */
  const maybeClaimedAt = new Map<string, number>();
  for (const r of records) {
    if (r.key === undefined) continue;
    if (r.kind !== 'label' && r.kind !== 'label-conflict' && !r.kind.startsWith('label-repeat')) continue;
    if (r.outcome === 'problem:idempotency-unavailable') {
      const at = maybeClaimedAt.get(r.key);
      if ((r.lostTries ?? 0) > 0 && (at === undefined || r.dueAt < at)) maybeClaimedAt.set(r.key, r.dueAt);
      continue;
    }
    const known = first.get(r.key);
    if (known === undefined || r.dueAt < known.dueAt) first.set(r.key, r);
  }
  const takenBefore = (key: string, r: AnswerRecord) => (maybeClaimedAt.get(key) ?? Infinity) < r.dueAt;
  return new Set(
    [...first]
      .filter(([key, r]) => r.kind === 'label-conflict' && !(takenBefore(key, r) && r.outcome !== 'label'))
      .map(([key]) => key),
  );
}

/** How a request is judged: as sent, or (its key first used by the conflicting body) as that use dictates. */
function judged(r: AnswerRecord, conflictOwned: ReadonlySet<string>): AnswerRecord | undefined {
  if (r.key === undefined || !conflictOwned.has(r.key)) return r;
  if (r.kind === 'label-conflict') return { ...r, kind: 'label' };
  // The original body under a key that belongs to the other one: a conflict is the answer.
  if (r.kind.startsWith('label-repeat') && r.outcome === 'problem:idempotency-conflict') return undefined;
  return r;
}

export function everyRequestAnswered(
  records: readonly AnswerRecord[],
  deadlineMs: number,
  start: number,
): InvariantResult {
  const conflictOwned = keysFirstUsedByConflict(records);
  const violations = records.flatMap((r) => {
    const subject = judged(r, conflictOwned);
    return subject === undefined ? [] : (answerViolation(subject, deadlineMs, start) ?? []);
  });
  const late = records.filter((r) => r.outcome === 'timeout').length;
  return result(
    'every-request-answered',
    'Every request got an answer (a rate, a label, a tracking result, or a catalog problem with its class) before its deadline',
    violations,
    `${records.length - violations.length} of ${records.length} answers fit; ${late} passed the ${deadlineMs} ms deadline`,
  );
}

/** Labels the simulators bought for a key: its reference, and the conflicting body's (reference + 'x'). */
function labelsForKey(reference: string, stats: Record<string, CarrierStatsSnapshot>): number {
  let count = 0;
  for (const s of Object.values(stats))
    count += (s.labelsByReference[reference] ?? 0) + (s.labelsByReference[`${reference}x`] ?? 0);
  return count;
}

/** One answer in a violation: when (s since the run began), where, what. */
const brief = (r: AnswerRecord, start: number) =>
  `${((r.dueAt - start) / 1000).toFixed(1)}s ${r.kind} gw${r.instance} ${r.outcome}${r.trackingNumber ? ` ${r.trackingNumber}` : ''}`;

export function noLabelBoughtTwice(
  records: readonly AnswerRecord[],
  stats: Record<string, CarrierStatsSnapshot>,
  start: number,
): InvariantResult {
  const byKey = new Map<string, { reference: string; tracking: Set<string>; answers: AnswerRecord[] }>();
  for (const r of records) {
    if (!r.key || !r.reference || r.kind === 'bad-input') continue;
    const reference = r.kind === 'label-conflict' ? r.reference.slice(0, -1) : r.reference;
    const entry = byKey.get(r.key) ?? { reference, tracking: new Set<string>(), answers: [] };
    if (r.outcome === 'label' && r.trackingNumber) entry.tracking.add(r.trackingNumber);
    entry.answers.push(r);
    byKey.set(r.key, entry);
  }
  const violations: string[] = [];
  let bought = 0;
  for (const [key, { reference, tracking, answers }] of byKey) {
    const count = labelsForKey(reference, stats);
    bought += count;
    if (count > 1 || tracking.size > 1) {
      const history = [...answers]
        .sort((a, b) => a.dueAt - b.dueAt)
        .map((r) => brief(r, start))
        .join('; ');
      violations.push(
        `key ${key}: ${count} labels at the carriers, ${tracking.size} in answers (${history})`,
      );
    }
  }
  return result(
    'no-label-bought-twice',
    'No label bought twice for one Idempotency-Key (simulator label books, and every 201 for a key is the same label)',
    violations,
    `${byKey.size} keys, ${bought} labels created by the simulators`,
  );
}

export function noRefreshTokenReused(
  stats: Record<string, CarrierStatsSnapshot>,
  samples: readonly TokenSample[],
  start: number,
): InvariantResult {
  const violations: string[] = [];
  const seconds = (at: number) => ((at - start) / 1000).toFixed(0);
  for (const [carrier, s] of Object.entries(stats))
    for (const [account, n] of Object.entries(s.refreshTokenReuse)) {
      if (n === 0) continue;
      // When: between the last sample without reuse and the first with it.
      const first = samples.findIndex((t) => (t.reuse[carrier]?.[account] ?? 0) > 0);
      const when =
        first < 0
          ? 'after the last sample'
          : `between ${seconds(samples[first - 1]?.at ?? start)} s and ${seconds(samples[first]!.at)} s`;
      violations.push(`${carrier}/${account}: ${n} spent refresh token(s) presented again, first ${when}`);
    }
  return result(
    'no-refresh-token-reused',
    'No refresh token reused (simulators count every spent refresh token presented again)',
    violations,
    violations.length === 0 ? 'no reuse seen by any simulator' : `${violations.length} account(s) saw reuse`,
  );
}

/**
 * Token calls per account never above its hourly allowance. Calls per sliding hour come from
 * the simulators' counters sampled every few seconds (exact for runs under an hour).
 */
export function tokenCallsWithinQuota(
  samples: readonly TokenSample[],
  final: Record<string, CarrierStatsSnapshot>,
  limits: Readonly<Record<string, number>>,
): InvariantResult {
  const HOUR = 3_600_000;
  const all: TokenSample[] = [
    ...samples,
    {
      at: Date.now(),
      calls: Object.fromEntries(Object.entries(final).map(([c, s]) => [c, s.tokenCalls])),
      reuse: {},
    },
  ];
  const violations: string[] = [];
  const peaks: string[] = [];
  for (const [key, limit] of Object.entries(limits)) {
    const [carrier, account] = key.split('/') as [string, string];
    const countAt = (i: number) => all[i]?.calls[carrier]?.[account] ?? 0;
    let peak = 0;
    let from = 0;
    for (let i = 0; i < all.length; i++) {
      while (all[i]!.at - all[from]!.at > HOUR) from += 1;
      // Calls since the run began are all within an hour of each other when the run is shorter.
      const base = from === 0 ? 0 : countAt(from);
      peak = Math.max(peak, countAt(i) - base);
    }
    peaks.push(`${key} ${peak}/${limit}`);
    if (peak > limit) violations.push(`${key}: ${peak} token calls within an hour, allowance ${limit}`);
  }
  return result(
    'token-calls-within-quota',
    "No token call beyond a carrier's hourly allowance, per account (simulators' counters)",
    violations,
    `peak calls per hour: ${peaks.join(', ')}`,
  );
}

/**
 * A label answered `label-outcome-unknown` can be settled afterwards: replaying its key (same
 * body) gives the same unknown outcome naming the carrier (the caller then checks with the
 * carrier by reference) or the label itself, never a second purchase; and the carrier's book
 * holds at most one label for it.
 */
export function outcomeUnknownResolvable(
  records: readonly AnswerRecord[],
  replays: readonly AnswerRecord[],
  stats: Record<string, CarrierStatsSnapshot>,
): InvariantResult {
  const unknown = new Map<string, AnswerRecord>();
  for (const r of records)
    if (r.key && r.outcome === 'problem:label-outcome-unknown' && !unknown.has(r.key)) unknown.set(r.key, r);
  const violations: string[] = [];
  let settled = 0;
  for (const [key, first] of unknown) {
    const replay = replays.find((r) => r.key === key);
    const reference = first.reference ?? '';
    const count = labelsForKey(reference, stats);
    if (!replay) violations.push(`key ${key}: not replayed`);
    else if (replay.outcome === 'label' || replay.outcome === 'problem:label-outcome-unknown') {
      if (count > 1)
        violations.push(`key ${key}: replay answered ${replay.outcome} but ${count} labels exist`);
      else settled += 1;
    } else
      violations.push(
        `key ${key}: replay answered ${replay.outcome} (first answer was label-outcome-unknown)`,
      );
  }
  return result(
    'label-outcome-unknown-resolvable',
    'Every label-outcome-unknown is resolvable afterwards by replaying its key (same answer or the label, and at most one label at the carrier)',
    violations,
    `${unknown.size} keys answered label-outcome-unknown; ${settled} settled by replay`,
  );
}

/** Means of a series in its middle and last thirds. */
function thirds(values: readonly number[]): { middle: number; last: number } | undefined {
  if (values.length < 6) return undefined;
  const third = Math.floor(values.length / 3);
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { middle: mean(values.slice(third, 2 * third)), last: mean(values.slice(2 * third)) };
}

/**
 * Resident memory and descriptors flat after warm-up, per gateway process that lived through
 * the run after warm-up: RSS in the last third of the run at most 15 % (+16 MB) above the
 * middle third; descriptors at the end of the quiet phase at most 32 above the end of warm-up
 * (both moments have steady load and no fault).
 */
export function resourcesFlat(
  samples: readonly ProcessSample[],
  warmupEnd: number,
  quietStart: number,
): InvariantResult[] {
  const rss: string[] = [];
  const fds: string[] = [];
  const rssSummary: string[] = [];
  const fdSummary: string[] = [];
  const pids = [...new Set(samples.map((s) => s.pid))];
  for (const pid of pids) {
    const mine = samples.filter((s) => s.pid === pid);
    const label = `gateway ${mine[0]!.instance} (pid ${pid}, start ${mine[0]!.generation})`;
    if (mine[0]!.at > warmupEnd) {
      rssSummary.push(`${label}: started after warm-up, not judged`);
      continue;
    }
    const after = mine.filter((s) => s.at >= warmupEnd);
    const split = thirds(after.map((s) => s.rssMb));
    if (split) {
      const allowed = split.middle * 1.15 + 16;
      rssSummary.push(`${label}: ${split.middle.toFixed(0)} MB → ${split.last.toFixed(0)} MB`);
      if (split.last > allowed)
        rss.push(
          `${label}: RSS ${split.middle.toFixed(1)} MB → ${split.last.toFixed(1)} MB (allowed ${allowed.toFixed(1)})`,
        );
    }
    const baseline = mine.filter((s) => s.at <= warmupEnd).at(-1);
    const quiet = mine.filter((s) => s.at >= quietStart);
    const end = quiet.at(-1);
    if (baseline && end) {
      fdSummary.push(`${label}: ${baseline.fds} → ${end.fds}`);
      if (end.fds > baseline.fds + 32)
        fds.push(`${label}: ${baseline.fds} descriptors after warm-up, ${end.fds} at the end`);
    }
  }
  return [
    result(
      'memory-flat',
      'Gateway RSS flat after warm-up',
      rss,
      rssSummary.join('; ') || 'no process to judge',
    ),
    result(
      'handles-flat',
      'Gateway open descriptors (sockets, files, timers backed by fds) back to the warm-up level once faults stop',
      fds,
      fdSummary.join('; ') || 'no process to judge',
    ),
  ];
}

export function breakersClosed(
  snapshots: readonly BreakerSnapshot[],
  allClosedAt: number | undefined,
  healedAt: number,
): InvariantResult {
  const last = new Map<number, BreakerSnapshot>();
  for (const s of snapshots) last.set(s.instance, s);
  const violations = [...last.values()].flatMap((s) =>
    s.notClosed.map((b) => `gateway ${s.instance}: ${b} at the end of the quiet phase`),
  );
  return result(
    'breakers-closed-after-faults',
    'Every breaker on every instance returns to closed after the faults stop',
    violations,
    allClosedAt === undefined
      ? 'some breakers were still not closed at the end'
      : `all closed ${((allClosedAt - healedAt) / 1000).toFixed(1)} s after the faults stopped`,
  );
}

export function noSecretInLogs(
  logs: Readonly<Record<string, string>>,
  secrets: readonly string[],
): InvariantResult {
  const violations: string[] = [];
  for (const [file, text] of Object.entries(logs))
    secrets.forEach((secret, i) => {
      if (text.includes(secret)) violations.push(`${file} contains secret #${i + 1}`);
    });
  return result(
    'no-secret-in-logs',
    'No credential secret in any gateway log',
    violations,
    `${Object.keys(logs).length} logs searched for ${secrets.length} secret values`,
  );
}
