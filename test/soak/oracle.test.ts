/** The soak oracle's rule for a conflicting body under a key: wrong only if the key was used. */
import { describe, expect, it } from 'vitest';
import type { AnswerRecord } from '../../bench/soak/load/answers.ts';
import { everyRequestAnswered } from '../../bench/soak/oracle/invariants.ts';

const base = { instance: 0, tries: 1, key: 'k-1' } as const;
const refused: AnswerRecord = {
  ...base,
  id: 1,
  kind: 'label',
  dueAt: 1_000,
  doneAt: 1_010,
  status: 503,
  outcome: 'problem:idempotency-unavailable',
};
const conflictBought: AnswerRecord = {
  ...base,
  id: 2,
  kind: 'label-conflict',
  dueAt: 2_000,
  doneAt: 2_010,
  status: 201,
  outcome: 'label',
};

describe('every-request-answered, label-conflict', () => {
  it('a conflicting body bought under a key nothing was recorded for is the key’s first real use', () => {
    expect(everyRequestAnswered([refused, conflictBought], 30_000, 0).holds).toBe(true);
  });
  it('a conflicting body bought under a key already used is a violation', () => {
    const bought: AnswerRecord = { ...refused, status: 201, outcome: 'label' };
    expect(everyRequestAnswered([bought, conflictBought], 30_000, 0).holds).toBe(false);
  });
  it('that first use may end label-outcome-unknown like any label, and the original body is then a conflict', () => {
    const conflictUnknown: AnswerRecord = {
      ...conflictBought,
      status: 502,
      outcome: 'problem:label-outcome-unknown',
      problemClass: 'unavailable',
    };
    const originalRepeat: AnswerRecord = {
      ...refused,
      id: 3,
      kind: 'label-repeat',
      dueAt: 3_000,
      doneAt: 3_010,
      status: 422,
      outcome: 'problem:idempotency-conflict',
    };
    expect(everyRequestAnswered([refused, conflictUnknown, originalRepeat], 30_000, 0).violations).toEqual(
      [],
    );
  });
  it('the original body answered conflict under a key it used first is a violation', () => {
    const bought: AnswerRecord = { ...refused, status: 201, outcome: 'label' };
    const originalRepeat: AnswerRecord = {
      ...bought,
      id: 3,
      kind: 'label-repeat',
      dueAt: 3_000,
      doneAt: 3_010,
      status: 422,
      outcome: 'problem:idempotency-conflict',
    };
    expect(everyRequestAnswered([bought, originalRepeat], 30_000, 0).holds).toBe(false);
  });
  it('a refusal after a try lost mid-request may hide a claim: the conflicting body may be refused or bought', () => {
    // The first try reached an instance killed mid-purchase (its claim may stand, the label may
    // be bought); the next try was refused while that claim was pending.
    const refusedAfterLostTry: AnswerRecord = { ...refused, tries: 2, lostTries: 1 };
    const conflict: AnswerRecord = {
      ...conflictBought,
      status: 422,
      outcome: 'problem:idempotency-conflict',
    };
    expect(everyRequestAnswered([refusedAfterLostTry, conflict], 30_000, 0).violations).toEqual([]);
    // The lost try had claimed nothing: the conflicting body is the key's first use.
    expect(everyRequestAnswered([refusedAfterLostTry, conflictBought], 30_000, 0).violations).toEqual([]);
    // Refusals whose tries never reached a gateway (refused at connect): the key is unused.
    const refusedAfterRefusedConnect: AnswerRecord = { ...refused, tries: 2 };
    expect(everyRequestAnswered([refusedAfterRefusedConnect, conflict], 30_000, 0).holds).toBe(false);
    expect(everyRequestAnswered([refused, conflict], 30_000, 0).holds).toBe(false);
  });
});
