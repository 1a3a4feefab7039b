/**
 * `POST /oauth/token`: form-encoded client_credentials with client_id and client_secret in the
 * BODY (a Basic header is ignored, as FedEx does). Answers `expires_in` 3599 as a number,
 * `token_type` "bearer" in lower case and scope "CXS".
 */
import { timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import type { SimContext } from '../../../sandbox/kit/index.ts';
import {
  issueOptionsFor,
  jsonResponse,
  readParams,
  shapeTokenBody,
  tokenFaults,
} from '../../../sandbox/kit/index.ts';
import { fedexRenderer } from './renderer.ts';
import { errorResponse, MESSAGES } from './wire.ts';

export const FEDEX_TOKEN_LIFETIME = 3599;
export const FEDEX_SCOPE = 'CXS';
/** FedEx's other grants (integrators, parent-child) add child_key/child_secret; not simulated. */
const GRANTS = new Set(['client_credentials']);

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function mountToken(app: Hono, sim: SimContext): void {
  app.post('/oauth/token', async (c) => {
    const isForm = (c.req.header('content-type') ?? '')
      .toLowerCase()
      .startsWith('application/x-www-form-urlencoded');
    const params = isForm ? await readParams(c) : {};
    const grant = params.grant_type ?? '';
    const account = params.client_id ? sim.accounts.byClientId(params.client_id) : undefined;
    const recorded = Object.fromEntries(
      Object.entries(params).filter(
        ([k]) => k !== 'client_secret' && k !== 'client_id' && k !== 'child_secret',
      ),
    );
    const done = sim.stats.tokenCall(account?.id ?? '(unknown)', grant || '(none)', recorded);
    try {
      const fault = await tokenFaults(c, sim, fedexRenderer, { account: account?.id, endpoint: 'token' });
      if (fault.response) return fault.response;
      if (!isForm || !GRANTS.has(grant) || !params.client_id || !params.client_secret) {
        return errorResponse(400, [{ code: 'BAD.REQUEST.ERROR', message: MESSAGES.badRequest }]);
      }
      const secret = account?.secrets.clientSecret;
      if (!account || secret === undefined || !sameSecret(secret, params.client_secret)) {
        return errorResponse(401, [{ code: 'NOT.AUTHORIZED.ERROR', message: MESSAGES.credentials }]);
      }
      const issued = sim.tokens.issue(account, {
        scope: FEDEX_SCOPE,
        lifetimeSeconds: FEDEX_TOKEN_LIFETIME,
        ...issueOptionsFor(fault.payload),
      });
      const body = shapeTokenBody(
        {
          access_token: issued.accessToken,
          token_type: 'bearer',
          expires_in: issued.expiresIn,
          scope: FEDEX_SCOPE,
        },
        fault.payload,
      );
      return jsonResponse(c, body, { gzip: true, headers: { 'cache-control': 'no-store' } });
    } finally {
      done();
    }
  });
}
