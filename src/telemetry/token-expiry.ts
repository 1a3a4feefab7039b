/** Seconds until each cached token expires, as an observable gauge read at each collection. */
import { instruments, observeGauge } from './instruments.ts';
import { ATTR } from './names.ts';

export interface TokenExpiryReading {
  carrier: string;
  account: string;
  /** The credential name ('primary', or a derived one). */
  name: string;
  expiresAt: number;
}

/** Feeds the time-to-expiry gauge from `list` (the broker's inspect); returns the unsubscription. */
export function observeTokenExpiry(
  list: () => Promise<Iterable<TokenExpiryReading>>,
  now: () => number = Date.now,
): () => void {
  return observeGauge(instruments.tokenTimeToExpiry(), async () => {
    const at = now();
    return [...(await list())].map((t) => ({
      value: Math.round((t.expiresAt - at) / 1000),
      attributes: { [ATTR.carrier]: t.carrier, [ATTR.account]: t.account, [ATTR.credentialName]: t.name },
    }));
  });
}
