/**
 * Wires a composed gateway to telemetry (shared by the Node and Worker compositions): breaker
 * state changes become span events and log lines, and the gauges read at each metric
 * collection report every configured account's breaker states and cached-token expiry.
 */
import type { Broker } from '../auth/broker.ts';
import type { ResolvedAccount } from '../config/account.ts';
import type { BreakerBoard } from '../resilience/board.ts';
import type { AuthTelemetry } from './auth-telemetry.ts';
import { type BreakerReading, breakerStateListener, observeBreakerStates } from './breaker-telemetry.ts';
import { observeTokenExpiry, type TokenExpiryReading } from './token-expiry.ts';

export interface GatewayTelemetryDeps {
  accounts: readonly ResolvedAccount[];
  board: BreakerBoard;
  broker: Pick<Broker, 'inspect'>;
  auth: AuthTelemetry;
  logger?: Parameters<typeof breakerStateListener>[0];
  now?: () => number;
}

const keyOf = (carrier: string, account: string, kind: string) => `${carrier}\u0000${account}\u0000${kind}`;

/** Starts observing; returns what stops it (call it when the gateway closes). */
export function observeGateway(deps: GatewayTelemetryDeps): () => void {
  // Breakers start closed and announce every transition: the last one heard is the state,
  // and no breaker is created just to be read.
  const states = new Map<string, BreakerReading>();
  const announce = breakerStateListener(deps.logger);
  deps.board.onStateChange((change) => {
    states.set(keyOf(change.carrier, change.account, change.kind), {
      carrier: change.carrier,
      account: change.account,
      kind: change.kind,
      state: change.state,
    });
    announce(change);
  });
  const stopBreakers = observeBreakerStates(() =>
    deps.accounts.flatMap((a) =>
      (['auth', 'api'] as const).map(
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
    for (const a of deps.accounts) {
      for (const name of new Set(['primary', ...deps.auth.namesOf(a.carrier, a.id)])) {
        const info = await deps.broker.inspect(a, name).catch(() => undefined);
        if (info) readings.push({ carrier: a.carrier, account: a.id, name, expiresAt: info.expiresAt });
      }
    }
    return readings;
  }, deps.now);
  return () => {
    stopBreakers();
    stopExpiry();
  };
}
