/**
 * The operator's actions: revoke one account or all (the breach drill), force a breaker. Each tells the event stream what it dropped,
 * so health does not read an operator's action as a token dying early.
 */
import type { AccountScope, Broker } from '../auth/broker.ts';
import type { AnnounceReport } from '../auth/revocations.ts';
import type { TokenStore } from '../auth/types.ts';
import type { ResolvedAccount } from '../config/account.ts';
import type { BreakerKind } from '../events/types.ts';
import type { HealthContext } from './context.ts';
import {
  type RevokeAllReport,
  type RevokeOptions,
  type RevokeReport,
  revokeAccount,
  revokeAll,
} from './credentials/revoke.ts';

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
  fetchFor(carrier: string): typeof fetch;
  /** Tells every instance to forget the scope's tokens; resolves with their acknowledgements. */
  announce(scope: AccountScope): Promise<AnnounceReport>;
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
  forceBreaker(carrier: string, id: string, kind: BreakerKind, state: 'open' | 'closed'): void;
}

export function createOperatorActions(deps: ActionDeps): OperatorActions {
  const { ctx, broker } = deps;
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

    forceBreaker(carrier, id, kind, state) {
      mustFind(carrier, id);
      const breaker = ctx.board.for(carrier, id)[kind];
      if (state === 'open') breaker.forceOpen();
      else breaker.forceClose();
    },
  };
}
