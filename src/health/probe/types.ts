/** What one synthetic probe found: per step outcome, class and latency. */
import type { FailureClass } from '../../domain/failure.ts';
import type { PayloadFinding } from './token-payload.ts';

export type ProbeKind = 'scheduled' | 'on_demand' | 'concurrent';
export type ProbeOutcome = 'pass' | 'degraded' | 'fail';

export interface ProbeStep {
  step: 'token' | 'payload' | 'api' | 'concurrent';
  /** false = failed; undefined = skipped. */
  ok: boolean | undefined;
  latencyMs?: number | undefined;
  detail: string;
  failureClass?: FailureClass | undefined;
  code?: string | undefined;
  retryAfterMs?: number | undefined;
}

export interface ProbeResult {
  carrier: string;
  account: string;
  kind: ProbeKind;
  /** Epoch ms of the monitor clock. */
  at: number;
  outcome: ProbeOutcome;
  failureClass?: FailureClass | undefined;
  code?: string | undefined;
  retryAfterMs?: number | undefined;
  latencyMs: number;
  steps: ProbeStep[];
  findings: PayloadFinding[];
  concurrent?: { instances: number; tokensObtained: number; tokensAccepted: number } | undefined;
}
