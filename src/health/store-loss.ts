/**
 * Remembers the last time the shared store came back without what it had acknowledged (an
 * empty restart, a failover to a replica that missed writes) and what this instance wrote
 * back: `/readyz` says so, and the `store_lost` alert fires for `holdMs` after it.
 */
import type { EventBus } from '../events/bus.ts';
import { type Condition, conditionKey } from './alerts/types.ts';

export interface StoreLoss {
  at: number;
  restored: { tokens: number; accounts: number; idempotency: number };
}

export interface StoreLossWatch {
  last(): StoreLoss | undefined;
  conditions(now: number): Condition[];
  stop(): void;
}

/** How long a store loss stays an open incident (and visible in `/readyz`). */
export const STORE_LOSS_HOLD_MS = 10 * 60_000;

export function watchStoreLoss(
  bus: EventBus,
  now: () => number,
  holdMs = STORE_LOSS_HOLD_MS,
): StoreLossWatch {
  let loss: StoreLoss | undefined;
  const stop = bus.on('store.restored', ({ part, restored }) => {
    if (restored === 0) return;
    const at = now();
    // One loss: write-backs of its parts arrive within moments of each other.
    if (loss === undefined || at - loss.at > 60_000)
      loss = { at, restored: { tokens: 0, accounts: 0, idempotency: 0 } };
    loss.restored[part] += restored;
  });
  return {
    last: () => loss,
    conditions(at) {
      if (loss === undefined || at - loss.at > holdMs) return [];
      const { tokens, accounts, idempotency } = loss.restored;
      return [
        {
          key: conditionKey('store_lost'),
          rule: 'store_lost',
          severity: 'critical',
          summary: `the shared store lost data (${new Date(loss.at).toISOString()}); this instance wrote back ${tokens} token(s), ${accounts} account(s), ${idempotency} label answer(s)`,
          value: `${tokens + accounts + idempotency} restored`,
          threshold: 'anything the store had acknowledged and lost',
        },
      ];
    },
    stop,
  };
}
