/**
 * Who the client is: HTTP Basic, or client_id/client_secret in a form or JSON body
 * (RFC 6749 2.3.1; the generic server accepts all three).
 */
import { timingSafeEqual } from 'node:crypto';
import { type AnyContext, basicCredentials } from '../kit/index.ts';
import type { SimAccount, SimContext } from '../kit/types.ts';

export interface ClientIdentity {
  /** The account the presented client_id names, if any. */
  account?: SimAccount;
  /** Whether a client secret was presented at all (public clients send none). */
  presentedSecret: boolean;
  /** True when a secret was presented and it is the account's. */
  secretValid: boolean;
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function identifyClient(
  c: AnyContext,
  sim: SimContext,
  params: Record<string, string>,
): ClientIdentity {
  const basic = basicCredentials(c);
  if (basic) {
    // Accept the RFC's form-encoded form and the raw form many clients send.
    const account = sim.accounts.byClientId(basic.username) ?? sim.accounts.byClientId(basic.rawUsername);
    const secret = account?.secrets.clientSecret;
    const secretValid =
      secret !== undefined && (same(basic.password, secret) || same(basic.rawPassword, secret));
    return { ...(account ? { account } : {}), presentedSecret: true, secretValid };
  }
  const clientId = params.client_id;
  if (clientId === undefined) return { presentedSecret: false, secretValid: false };
  const account = sim.accounts.byClientId(clientId);
  const presented = params.client_secret;
  const secret = account?.secrets.clientSecret;
  return {
    ...(account ? { account } : {}),
    presentedSecret: presented !== undefined,
    secretValid: presented !== undefined && secret !== undefined && same(presented, secret),
  };
}
