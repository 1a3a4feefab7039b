/**
 * Pending PKCE authorizations, keyed by their `state`, in the control store so the callback
 * may reach any instance. A state is single-use fleet-wide (taken atomically on first sight,
 * whatever happens next) and expires after 10 minutes. The verifier is sealed at rest by
 * stores that leave the process.
 */
import { z } from 'zod';
import type { ControlStore } from '../control/types.ts';

/** How long a user has to come back from the carrier's login page. */
export const CONNECT_STATE_TTL_MS = 10 * 60 * 1000;

const PendingAuthorization = z.object({
  carrier: z.string(),
  account: z.string(),
  codeVerifier: z.string(),
  redirectUri: z.string(),
  expiresAt: z.number(),
});
export type PendingAuthorization = z.infer<typeof PendingAuthorization>;

export type TakenState =
  | { ok: true; pending: PendingAuthorization }
  | { ok: false; reason: 'unknown' | 'expired' };

/** A state is random (256 bits): it is its own group, so states spread across a sharded store. */
const keyOf = (state: string) => `{connect:${state}}state`;

export function createConnectStates(store: ControlStore, now: () => number) {
  return {
    async add(state: string, p: Omit<PendingAuthorization, 'expiresAt'>): Promise<void> {
      const pending: PendingAuthorization = { ...p, expiresAt: now() + CONNECT_STATE_TTL_MS };
      const written = await store.compareAndSet(keyOf(state), 0, pending, CONNECT_STATE_TTL_MS);
      if (!written.ok) throw new Error('connect state collision');
    },
    /** Removes and returns the state: a second use, on any instance, always fails. */
    async take(state: string): Promise<TakenState> {
      const raw = await store.take(keyOf(state));
      const parsed = PendingAuthorization.safeParse(raw);
      if (!parsed.success) return { ok: false, reason: 'unknown' };
      return parsed.data.expiresAt <= now()
        ? { ok: false, reason: 'expired' }
        : { ok: true, pending: parsed.data };
    },
  };
}
