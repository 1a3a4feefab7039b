/** The admin routes' operations, over health: answers in their API shape (ISO times, `class`). */
import type { AdminOperations } from '../api/routes/admin.ts';
import type { ReloadReport } from '../health/credentials/reload.ts';
import type { Health } from '../health/index.ts';
import type { ProbeResult } from '../health/probe/types.ts';

/** The API shape of a probe result. */
export function probeAnswer(r: ProbeResult) {
  return {
    carrier: r.carrier,
    account: r.account,
    kind: r.kind,
    at: new Date(r.at).toISOString(),
    outcome: r.outcome,
    ...(r.failureClass ? { class: r.failureClass } : {}),
    ...(r.code ? { code: r.code } : {}),
    latencyMs: r.latencyMs,
    steps: r.steps.map((s) => ({
      step: s.step,
      ok: s.ok ?? null,
      ...(s.latencyMs !== undefined ? { latencyMs: s.latencyMs } : {}),
      detail: s.detail,
      ...(s.failureClass ? { class: s.failureClass } : {}),
      ...(s.code ? { code: s.code } : {}),
    })),
    findings: r.findings.map((f) => ({ severity: f.severity, code: f.code, message: f.message })),
    ...(r.concurrent ? { concurrent: r.concurrent } : {}),
  };
}

export function adminOperations(
  health: Health,
  reload: (() => Promise<ReloadReport>) | undefined,
): AdminOperations {
  return {
    hasAccount: (carrier, account) => health.account(carrier, account) !== undefined,
    inventory: () => health.inventory(),
    revoke: (carrier, account, body) => health.actions.revoke(carrier, account, body),
    revokeAll: (body) => health.actions.revokeAll(body),
    reload: async () => (reload ? reload() : undefined),
    async forceBreaker(carrier, account, { kind, state }) {
      health.actions.forceBreaker(carrier, account, kind, state);
      const { breakers } = health.health(carrier, account).signals;
      return { auth: breakers.auth, api: breakers.api };
    },
    async probe(carrier, account, body) {
      const result = body.concurrent
        ? await health.concurrentProbe(carrier, account, body.concurrent)
        : await health.probe(carrier, account, body.fresh === undefined ? {} : { fresh: body.fresh });
      return probeAnswer(result);
    },
    alerts: async () => health.alerts(),
  };
}
