/**
 * What the HTTP API asks of the gateway core. The API layer validates and renders; this
 * interface does the work. Implementations throw CarrierError or the errors in
 * domain/errors.ts, which the API maps to problem+json.
 */
import type { CarriersResponse } from '../domain/carriers-view.ts';
import type { Label, LabelRequest, RateRequest, RateResponse, Tracking } from '../domain/shipment.ts';

export interface CallContext {
  signal?: AbortSignal | undefined;
}

export interface ReadinessReport {
  ready: boolean;
  /** 'degraded' when serving but a shared store is unreachable. */
  status: 'ready' | 'degraded' | 'not_ready';
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface GatewayService {
  rates(request: RateRequest, ctx: CallContext): Promise<RateResponse>;
  /** Buys one label; `idempotencyKey` replays the first answer for the same key and body. */
  label(request: LabelRequest, ctx: CallContext & { idempotencyKey: string }): Promise<Label>;
  tracking(carrier: string, trackingNumber: string, ctx: CallContext): Promise<Tracking>;
  carriers(): Promise<CarriersResponse>;
  readiness(): Promise<ReadinessReport>;
  /** Stops background work and closes upstream pools (graceful shutdown). */
  close(): Promise<void>;
}
