/**
 * Telemetry as a subscriber of the event stream (shared by every runtime): token metrics and
 * span events, breaker state changes as span events and log lines, failover and probe
 * counters; and the gauges read at each metric collection (breaker states and cached-token
 * expiry of every account the directory lists).
 */
import type { Broker } from '../auth/broker.ts';
import type { ResolvedAccount } from '../config/account.ts';
import type { EventBus } from '../events/bus.ts';
import type { BreakerKind } from '../events/types.ts';
import { subscribeAuthTelemetry } from './auth-telemetry.ts';
import { type BreakerReading, breakerStateListener, observeBreakerStates } from './breaker-telemetry.ts';
import { instruments } from './instruments.ts';
import { ATTR } from './names.ts';
import { observeTokenExpiry, type TokenExpiryReading } from './token-expiry.ts';

export interface GatewayTelemetryDeps {
  bus: EventBus;
  /** The accounts to report gauges for (the live directory). */
  accounts(): readonly ResolvedAccount[];
  broker: Pick<Broker, 'inspect'>;
  logger?: Parameters<typeof breakerStateListener>[0];
  now?: () => number;
}

const keyOf = (carrier: string, account: string, kind: string) => `${carrier}\u0000${account}\u0000${kind}`;

/** Starts observing; returns what stops it (call it when the gateway closes). */
export function subscribeTelemetry(deps: GatewayTelemetryDeps): () => void {
  const { bus } = deps;
  const auth = subscribeAuthTelemetry(bus);
  // Breakers start closed and announce every transition: the last one heard is the state,
  // and no breaker is created just to be read.
  const states = new Map<string, BreakerReading>();
  const announce = breakerStateListener(deps.logger);
  const stops = [
    auth.stop,
    bus.on('breaker.changed', (change) => {
      states.set(keyOf(change.carrier, change.account, change.kind), {
        carrier: change.carrier,
        account: change.account,
        kind: change.kind,
        state: change.state,
      });
      announce(change);
    }),
    bus.on('routed', ({ routing }) => {
      for (const r of routing) {
        if (!r.failedOver || r.servedBy === null) continue;
        const first = r.attempts.find((a) => a.outcome !== 'success');
        instruments.failovers().add(1, {
          [ATTR.failoverFrom]: r.requested,
          [ATTR.failoverTo]: r.servedBy,
          [ATTR.failoverReason]: first?.class ?? 'unavailable',
        });
      }
    }),
    bus.on('probe.result', (result) => {
      instruments.probeResults().add(1, {
        [ATTR.carrier]: result.carrier,
        [ATTR.account]: result.account,
        [ATTR.probeOutcome]: result.outcome,
        ...(result.failureClass ? { [ATTR.failureClass]: result.failureClass } : {}),
      });
    }),
  ];
  const kinds: readonly BreakerKind[] = ['auth', 'api'];
  const stopBreakers = observeBreakerStates(() =>
    deps.accounts().flatMap((a) =>
      kinds.map(
        (kind): BreakerReading =>
          states.get(keyOf(a.carrier, a.id, kind)) ?? {
            carrier: a.carrier,
            account: a.id,
            kind,
            state: 'closed',
          },
      ),
    ),
  );
  const stopExpiry = observeTokenExpiry(async () => {
    const readings: TokenExpiryReading[] = [];
    for (const a of deps.accounts()) {
      for (const name of new Set(['primary', ...auth.namesOf(a.carrier, a.id)])) {
        const info = await deps.broker.inspect(a, name).catch(() => undefined);
        if (info) readings.push({ carrier: a.carrier, account: a.id, name, expiresAt: info.expiresAt });
      }
    }
    return readings;
  }, deps.now);
  return () => {
    for (const stop of stops) stop();
    stopBreakers();
    stopExpiry();
  };
}
