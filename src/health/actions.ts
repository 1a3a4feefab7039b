/**
 * The operator's actions: revoke one account or all (the breach drill), reload rotated
 * secrets, force a breaker, probe on demand. Each tells the event stream what it dropped,
 * so health does not read an operator's action as a token dying early.
 */
import type { AccountScope, Broker } from '../auth/broker.ts';
import type { AnnounceReport } from '../auth/revocations.ts';
import type { TokenStore } from '../auth/types.ts';
import type { ResolvedAccount } from '../config/account.ts';
import type { EventSink } from '../events/bus.ts';
import type { BreakerKind } from '../events/types.ts';
import { registerSecret } from '../telemetry/redact.ts';
import type { AccountConfigLookup, HealthContext } from './context.ts';
import { applyReload, type ReloadReport } from './credentials/reload.ts';
import {
  type RevokeAllReport,
  type RevokeOptions,
  type RevokeReport,
  revokeAccount,
  revokeAll,
} from './credentials/revoke.ts';

/** What a reload reads again: the accounts with their secrets, and their health settings. */
export interface ReloadSource {
  accounts: readonly ResolvedAccount[];
  accountConfig?: AccountConfigLookup | undefined;
}

export class ReloadUnavailableError extends Error {
  constructor() {
    super('this gateway was not started with a reloadable configuration');
    this.name = 'ReloadUnavailableError';
  }
}

export class UnknownAccountError extends Error {
  constructor() {
    super('unknown account');
    this.name = 'UnknownAccountError';
  }
}

export interface ActionDeps {
  ctx: HealthContext;
  broker: Broker;
  store: TokenStore;
  events: EventSink;
  fetchFor(carrier: string): typeof fetch;
  reload?: (() => Promise<ReloadSource>) | undefined;
  /** Tells every instance to forget the scope's tokens; resolves with their acknowledgements. */
  announce(scope: AccountScope): Promise<AnnounceReport>;
  /** A reload brought new per-account policies. */
  setAccountConfig(lookup: AccountConfigLookup): void;
  /** Something changed: health should look again. */
  changed(): void;
}

/** How the fleet took a revocation: live instances, and which dropped the tokens how soon. */
export interface FleetReport {
  instances: number;
  acknowledged: AnnounceReport['acknowledged'];
  durationMs: number;
}

export interface OperatorActions {
  revoke(
    carrier: string,
    id: string,
    options?: RevokeOptions,
  ): Promise<RevokeReport & { fleet: FleetReport }>;
  revokeAll(options?: {
    carrierRevoke?: boolean | undefined;
  }): Promise<RevokeAllReport & { fleet: FleetReport }>;
  reload(): Promise<ReloadReport>;
  forceBreaker(carrier: string, id: string, kind: BreakerKind, state: 'open' | 'closed'): void;
}

export function createOperatorActions(deps: ActionDeps): OperatorActions {
  const { ctx, broker, events } = deps;
  const revokeDeps = {
    broker,
    store: deps.store,
    profileOf: (carrier: string) => ctx.directory.carrier(carrier)?.auth,
    fetchFor: deps.fetchFor,
    now: ctx.now,
  };

  async function announce(scope: AccountScope): Promise<FleetReport> {
    const report = await deps.announce(scope);
    return {
      instances: report.instances.length,
      acknowledged: report.acknowledged,
      durationMs: report.durationMs,
    };
  }

  function mustFind(carrier: string, id: string): ResolvedAccount {
    const account = ctx.directory.account(carrier, id);
    if (account === undefined) throw new UnknownAccountError();
    return account;
  }

  return {
    async revoke(carrier, id, options) {
      const account = mustFind(carrier, id);
      const report = await revokeAccount(revokeDeps, account, options);
      const fleet = await announce({ carrier, account: id });
      deps.changed();
      return { ...report, fleet };
    },

    async revokeAll(options = {}) {
      const report = await revokeAll(revokeDeps, ctx.directory.accounts(), options);
      const fleet = await announce({});
      deps.changed();
      return { ...report, fleet };
    },

    async reload() {
      if (deps.reload === undefined) throw new ReloadUnavailableError();
      const source = await deps.reload();
      const report = applyReload(ctx.directory.accounts(), source.accounts, registerSecret);
      for (const changed of report.changed) {
        const account = mustFind(changed.carrier, changed.account);
        // New secrets take effect now: drop tokens and cooldowns earned with the old ones.
        await broker.invalidate(account);
        events.emit({
          type: 'credentials.dropped',
          carrier: changed.carrier,
          account: changed.account,
          reason: 'reloaded',
        });
      }
      if (source.accountConfig) deps.setAccountConfig(source.accountConfig);
      deps.changed();
      return report;
    },

    forceBreaker(carrier, id, kind, state) {
      mustFind(carrier, id);
      const breaker = ctx.board.for(carrier, id)[kind];
      if (state === 'open') breaker.forceOpen();
      else breaker.forceClose();
    },
  };
}
