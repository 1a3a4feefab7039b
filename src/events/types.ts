/**
 * What the gateway observes, as one typed stream: the broker, the upstream client, the
 * breakers, the failover loop, the probes and the operator's actions emit; telemetry, health,
 * logging and the dashboard subscribe. Events name carriers and accounts by id only: they
 * never carry an account object (it holds secrets), a token or a key.
 */
import type { FailureClass } from '../domain/failure.ts';
import type { RoutingRecord } from '../domain/shipment.ts';

/** Why a token call was made; 'quota' marks one refused by the gateway itself (nothing sent). */
export type TokenCallReason = 'initial' | 'proactive' | 'expired' | 'forced' | 'quota';

export type BreakerKind = 'auth' | 'api';
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface AccountRef {
  carrier: string;
  account: string;
}

/** A token-endpoint call finished (or the gateway refused it itself: reason 'quota'). */
export interface TokenCallEvent extends AccountRef {
  type: 'token.call';
  name: string;
  reason: TokenCallReason;
  outcome: 'success' | 'failure';
  failureClass?: FailureClass | undefined;
  durationMs: number;
  /** 'live' for the broker serving traffic, 'probe' for a synthetic probe's own broker. */
  source: 'live' | 'probe';
}

/** A caller got a cached credential, joined a refresh in flight, or a new token was stored. */
export interface TokenUseEvent extends AccountRef {
  type: 'token.cache_hit' | 'token.waited';
  name: string;
  /**
   * Served from memory without an acquisition span: the caller puts the hit on its own CLIENT
   * span, so telemetry must not annotate whatever span is active.
   */
  spanless?: boolean;
}

export interface TokenStoredEvent extends AccountRef {
  type: 'token.stored';
  name: string;
  expiresAt: number;
}

/** One finished HTTP exchange with a carrier's API (each resend is its own exchange). */
export interface ExchangeEvent extends AccountRef {
  type: 'exchange';
  operation: 'rate' | 'label' | 'track' | 'probe';
  status?: number | undefined;
  failureClass?: FailureClass | undefined;
  code?: string | undefined;
  retryAfterMs?: number | undefined;
  resendCount: number;
  durationMs: number;
}

export interface LastFailure {
  failureClass: FailureClass;
  code?: string | undefined;
  retryAfterMs?: number | undefined;
  at: number;
}

export interface BreakerChangedEvent extends AccountRef {
  type: 'breaker.changed';
  kind: BreakerKind;
  state: BreakerState;
  lastFailure: LastFailure | undefined;
}

/** A rate or label request answered through the failover loop, with its routing records. */
export interface RoutedEvent {
  type: 'routed';
  operation: 'rates' | 'label';
  routing: readonly RoutingRecord[];
}

/** What became of a label purchase attempt. */
export interface LabelOutcomeEvent extends AccountRef {
  type: 'label.outcome';
  outcome: 'bought' | 'unknown' | 'refused';
  /** The image format the carrier printed, when the gateway converted it to PDF. */
  convertedFrom?: string | undefined;
}

/**
 * A label request answered from its Idempotency-Key's first answer (nothing was bought):
 * the requested carrier only, never the key.
 */
export interface IdempotencyReplayedEvent {
  type: 'idempotency.replayed';
  operation: 'label';
  carrier: string;
}

/** A synthetic probe finished (scheduled, on demand or concurrent). */
export interface ProbeResultEvent extends AccountRef {
  type: 'probe.result';
  outcome: 'pass' | 'degraded' | 'fail';
  failureClass?: FailureClass | undefined;
  latencyMs: number;
}

/**
 * The shared store came back (or failed over) without what it had acknowledged: this instance
 * wrote back what it holds (`restored` items of `part`; 0 means nothing was missing).
 */
export interface StoreRestoredEvent {
  type: 'store.restored';
  part: 'tokens' | 'accounts' | 'idempotency';
  restored: number;
}

/** Operator actions that drop credentials (so health does not read them as early deaths). */
export interface CredentialsDroppedEvent {
  type: 'credentials.dropped';
  /** Undefined: every account. */
  carrier?: string | undefined;
  account?: string | undefined;
  reason: 'revoked' | 'reloaded';
}

export type GatewayEvent =
  | TokenCallEvent
  | TokenUseEvent
  | TokenStoredEvent
  | ExchangeEvent
  | BreakerChangedEvent
  | RoutedEvent
  | LabelOutcomeEvent
  | IdempotencyReplayedEvent
  | ProbeResultEvent
  | StoreRestoredEvent
  | CredentialsDroppedEvent;

export type GatewayEventType = GatewayEvent['type'];
