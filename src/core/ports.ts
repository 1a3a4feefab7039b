/**
 * What a runtime gives the core: everything that differs between one Node process, a fleet
 * of Node processes on Redis, and Workers on Durable Objects. The core composes the same
 * gateway from any set of ports (compose.ts), so a capability exists on every runtime.
 */
import type { Broker } from '../auth/broker.ts';
import type { RefreshCoordinator } from '../auth/coordination.ts';
import type { TokenStore } from '../auth/types.ts';
import type { ControlPlane } from '../control/types.ts';
import type { Label } from '../domain/shipment.ts';
import type { ReadinessReport } from '../gateway/service.ts';
import type { Timers } from '../health/index.ts';
import type { BreakerSync } from '../resilience/breaker-sync.ts';
import type { BreakerDrive } from '../resilience/call-driven.ts';
import type { IdempotencyStore } from '../resilience/idempotency.ts';
import type { UpstreamTransport } from '../upstream/transport.ts';

/** Outbound HTTP: the carriers' APIs and their token endpoints. */
export interface TransportPort {
  /** Where a carrier's API calls go (plain status, headers, bytes), with its connect timeout where the runtime has one. */
  transportFor(carrier: string, connectTimeoutMs: number): UpstreamTransport;
  /** The fetch of a carrier's rarer calls (revocations, a probe's tapped token calls), same connect timeout. */
  fetchFor(carrier: string, connectTimeoutMs: number): typeof fetch;
  /** The transport token-endpoint calls and code exchanges go through (no redirect followed). */
  tokenTransport: UpstreamTransport;
  close?(): Promise<void>;
}

export interface CorePorts {
  /** Where tokens live (memory for one instance; Redis for a fleet). */
  tokens: TokenStore;
  /** Several instances share the token store: one refresh fleet-wide. */
  coordinator?: RefreshCoordinator | undefined;
  /**
   * A broker that is not this process's (Workers: each account's credential authority, a
   * Durable Object). Without it the core builds the broker over `tokens`.
   */
  broker?: Broker | undefined;
  /** Control state shared by the fleet: revocations, connect states, budgets, accounts (memory by default). */
  control?: ControlPlane | undefined;
  /** Label idempotency records (memory by default). */
  idempotency?: IdempotencyStore<Label> | undefined;
  /** Auth breaker decisions shared by several instances. */
  breakerSync?: BreakerSync | undefined;
  /** 'calls' where timers die with the request (Workers). */
  breakerDrive?: BreakerDrive | undefined;
  transport: TransportPort;
  /** Health's periodic work runs on these timers (Node); without them a scheduler calls `tick`. */
  timers?: Timers | undefined;
  /** The Prometheus exposition, when the runtime serves /metrics. */
  metrics?: (() => Promise<string>) | undefined;
  readiness?: (() => Promise<ReadinessReport>) | undefined;
  /**
   * The shared store answers again after an outage, or changed primary: it may have lost what
   * it acknowledged, so the store-loss protocol runs (accounts written back; the broker writes
   * back tokens by itself through the coordinator).
   */
  onStoreRecovered?(listener: () => void): void;
  /** Releases what the ports hold (connections), after the core stopped. */
  close?(): Promise<void>;
}
