/** Alert incidents: one firing, one resolution, no flood (dedup, clear period, cooldown). */
import { describe, expect, it } from 'vitest';
import { createIncidents } from '../../src/health/alerts/incidents.ts';
import type { Alert, Condition } from '../../src/health/alerts/types.ts';

const condition: Condition = {
  key: 'unauthorized_rising|acme|main|',
  rule: 'unauthorized_rising',
  severity: 'warning',
  carrier: 'acme',
  account: 'main',
  summary: '3 use-time 401s',
  value: '3',
  threshold: '>= 3',
};

function setup() {
  let now = 0;
  const sent: Alert[] = [];
  const incidents = createIncidents({
    now: () => now,
    clearForMs: 1_000,
    cooldownMs: 10_000,
    notify: (a) => sent.push(a),
  });
  const triage = () => ({
    classification: 'token_expired' as const,
    runbook: { kind: 'fail_over' as const, text: 'x' },
  });
  return {
    sent,
    at(ms: number) {
      now = ms;
    },
    update: (firing: Condition[]) => incidents.update(firing, triage),
    incidents,
  };
}

describe('incidents', () => {
  it('sends one firing while the condition holds and one resolution once it stayed clear', () => {
    const t = setup();
    for (const ms of [0, 100, 200, 300]) {
      t.at(ms);
      t.update([condition, condition]);
    }
    expect(t.sent.map((a) => a.status)).toEqual(['firing']);
    expect(t.sent[0]).toMatchObject({
      rule: 'unauthorized_rising',
      carrier: 'acme',
      triage: { classification: 'token_expired' },
    });
    t.at(400);
    t.update([]);
    t.at(900);
    t.update([condition]); // back before the clear period ended: same incident, nothing sent
    t.at(1_000);
    t.update([]);
    t.at(1_999);
    t.update([]);
    expect(t.sent).toHaveLength(1);
    t.at(2_000);
    t.update([]);
    expect(t.sent.map((a) => a.status)).toEqual(['firing', 'resolved']);
    expect(t.sent[1]?.id).toBe(t.sent[0]?.id);
    expect(t.incidents.open()).toEqual([]);
  });

  it('does not fire again within the cooldown after a resolution, and does after it', () => {
    const t = setup();
    t.update([condition]);
    t.at(10);
    t.update([]);
    t.at(1_010);
    t.update([]);
    expect(t.sent).toHaveLength(2);
    t.at(5_000);
    t.update([condition]);
    expect(t.sent).toHaveLength(2);
    t.at(11_010);
    t.update([condition]);
    expect(t.sent.map((a) => a.status)).toEqual(['firing', 'resolved', 'firing']);
    expect(t.sent[2]?.id).not.toBe(t.sent[0]?.id);
  });

  it('keeps different incidents apart', () => {
    const t = setup();
    t.update([condition, { ...condition, key: 'other', account: 'second' }]);
    expect(t.sent.map((a) => a.account)).toEqual(['main', 'second']);
    expect(t.incidents.recent()).toHaveLength(2);
  });
});
