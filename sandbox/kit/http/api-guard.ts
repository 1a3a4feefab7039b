/**
 * The middleware every carrier API route sits behind: authenticate, apply an injected api
 * fault, run the route, misbehave after processing if asked, count the answer.
 */
import type { MiddlewareHandler } from 'hono';
import type { ApiGuardOptions, AuthErrorRenderer, SimAccount, SimContext } from '../types.ts';
import type { AnyContext } from './any-context.ts';
import { hangUntilClientGone, resetConnection } from './connection.ts';
import { applyFault } from './fault-response.ts';
import { bearerToken } from './request.ts';

const ACCOUNT_KEY = 'sandbox.account';
/** Status counted for calls that got no answer at all (hang, reset). */
export const NO_ANSWER = 0;

/** The account apiGuard authenticated, if any. */
export function guardedAccount(c: AnyContext): SimAccount | undefined {
  return c.get(ACCOUNT_KEY) as SimAccount | undefined;
}

async function authenticate(
  c: AnyContext,
  sim: SimContext,
  options: ApiGuardOptions,
): Promise<{ account?: SimAccount; refused: boolean }> {
  const auth = options.auth ?? 'bearer';
  if (auth === 'none') return { refused: false };
  if (auth === 'bearer') {
    const token = bearerToken(c);
    const verdict = token === undefined ? undefined : sim.tokens.verify(token);
    if (!verdict?.ok || verdict.kind !== (options.tokenKind ?? 'access')) return { refused: true };
    return { account: verdict.account, refused: false };
  }
  const account = await auth(c, sim);
  return account ? { account, refused: false } : { refused: true };
}

export function apiGuard(
  sim: SimContext,
  renderer: AuthErrorRenderer,
  options: ApiGuardOptions,
): MiddlewareHandler {
  const { endpoint } = options;
  return async (c, next) => {
    const { account, refused } = await authenticate(c, sim, options);
    if (refused) {
      const res = renderer.unauthorized();
      sim.stats.apiCall(endpoint, res.status);
      return res;
    }
    if (account) c.set(ACCOUNT_KEY, account);
    const fault = sim.faults.take({ account: account?.id, target: 'api', endpoint });
    if (fault?.kind === 'reset_before_processing') {
      // The request arrived but the connection dies before the route runs: nothing was created.
      sim.stats.apiCall(endpoint, NO_ANSWER);
      resetConnection(c);
      // Nobody receives this answer (the socket is gone); Hono needs one to finish the request.
      return new Response(null, { status: 502 });
    }
    if (fault) {
      const res = await applyFault(c, fault, renderer);
      if (res) {
        sim.stats.apiCall(endpoint, fault.kind === 'hang' ? NO_ANSWER : res.status);
        return res;
      }
    }
    await next();
    if (fault?.kind === 'hang_after_processing') {
      sim.stats.apiCall(endpoint, NO_ANSWER);
      await hangUntilClientGone(c);
      return;
    }
    if (fault?.kind === 'reset_after_processing') {
      sim.stats.apiCall(endpoint, NO_ANSWER);
      resetConnection(c);
      return;
    }
    sim.stats.apiCall(endpoint, c.res.status);
  };
}
