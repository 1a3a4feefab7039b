/** The broker's extension points: telemetry, health, breakers and logging plug in here. */
import type { ResolvedAccount } from '../config/account.ts';
import type { FailureClass } from '../domain/failure.ts';

/**
 * Why a token call was made. 'quota' marks a call the gateway refused itself because the
 * account's hourly token-call allowance is spent (nothing was sent).
 */
export type TokenCallReason = 'initial' | 'proactive' | 'expired' | 'forced' | 'quota';

export interface TokenCallEvent {
  account: ResolvedAccount;
  name: string;
  reason: TokenCallReason;
  outcome: 'success' | 'failure';
  failureClass?: FailureClass | undefined;
  durationMs: number;
}

/** All optional. Hooks must not throw; if one does, the broker ignores it. */
export interface BrokerHooks {
  tokenCall?(event: TokenCallEvent): void;
  cacheHit?(event: { account: ResolvedAccount; name: string }): void;
  /** A caller joined a token fetch already in flight. */
  waited?(event: { account: ResolvedAccount; name: string }): void;
  stored?(event: { account: ResolvedAccount; name: string; expiresAt: number }): void;
}

/**
 * Wraps every token-endpoint call (the auth circuit breaker implements it). When it refuses,
 * the broker surfaces its CarrierError unchanged.
 */
export interface AuthGate {
  run<T>(account: ResolvedAccount, attempt: () => Promise<T>): Promise<T>;
}

export type LogFields = Record<string, string | number | boolean | undefined>;

/** Structured logger. The broker never passes a token or a secret into it. */
export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export const passThroughGate: AuthGate = { run: (_account, attempt) => attempt() };

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Calls a hook, swallowing its errors: telemetry must never break authentication. */
export function safely<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (hook === undefined) return;
  try {
    hook(event);
  } catch {
    // ignored on purpose
  }
}
