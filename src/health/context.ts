/**
 * What every part of health reads: the live accounts and carriers, the breakers, the ledger,
 * the settings and per-account policies, the clock. Built once by createHealth.
 */

import type { CarrierDefinition } from '../carrier/definition.ts';
import type { ResolvedAccount } from '../config/account.ts';
import type { BreakerBoard } from '../resilience/board.ts';
import type { CarrierPolicy } from '../resilience/settings.ts';
import type { AccountHealthDeps } from './account-health.ts';
import type { RotationPolicy } from './credentials/inventory.ts';
import type { Ledger } from './ledger.ts';
import type { HealthSettings } from './settings.ts';

export interface AccountHealthConfig {
  probe: { enabled: boolean; intervalMs?: number | undefined };
  rotation?: RotationPolicy | undefined;
}

export type AccountConfigLookup = (carrier: string, account: string) => AccountHealthConfig | undefined;

/** The carriers and accounts health watches (the gateway's live directory). */
export interface HealthDirectory {
  accounts(): readonly ResolvedAccount[];
  account(carrier: string, id: string): ResolvedAccount | undefined;
  carrier(id: string): CarrierDefinition | undefined;
  enabled(): readonly CarrierDefinition[];
  accountsOf(carrier: string): readonly ResolvedAccount[];
  policy(carrier: string): CarrierPolicy;
}

export interface HealthContext {
  directory: HealthDirectory;
  board: BreakerBoard;
  ledger: Ledger;
  settings: HealthSettings;
  /** Per-account probe and rotation policies; replaced by a reload. */
  accountConfig(): AccountConfigLookup | undefined;
  publicBaseUrl: string;
  now(): number;
  random(): number;
  /** When the account was last used (by any instance of the fleet), if ever seen. */
  lastUsedAt(carrier: string, id: string): number | undefined;
  /** Since when usage was watched: an account never seen used is idle since then. */
  idleSince(): number;
}

export function probeIntervalOf(ctx: HealthContext, account: ResolvedAccount): number {
  return ctx.accountConfig()?.(account.carrier, account.id)?.probe.intervalMs ?? ctx.settings.probeIntervalMs;
}

export function accountHealthDeps(ctx: HealthContext): AccountHealthDeps {
  return {
    ledger: ctx.ledger,
    board: ctx.board,
    settings: ctx.settings,
    publicBaseUrl: ctx.publicBaseUrl,
    fallbacksOf: (carrier) => ctx.directory.policy(carrier).fallbacks,
    probeIntervalOf: (account) => probeIntervalOf(ctx, account),
  };
}
