/**
 * `POST /parcel/de/account/auth/ropc/v1/token`: the resource-owner password grant, every
 * parameter in a form body; opaque 1,799-second tokens, no refresh token.
 */
import type { Hono } from 'hono';
import {
  issueOptionsFor,
  jsonResponse,
  readParams,
  type SimContext,
  shapeTokenBody,
  tokenFaults,
} from '../../../sandbox/kit/index.ts';
import { TOKEN_LIFETIME_SECONDS, TOKEN_PATH } from '../profile.ts';
import { parcelDeRenderer } from './renderer.ts';

export function registerToken(app: Hono, sim: SimContext): void {
  app.post(TOKEN_PATH, async (c) => {
    const params = await readParams(c);
    const known = params.client_id ? sim.accounts.byClientId(params.client_id) : undefined;
    const done = sim.stats.tokenCall(known?.id ?? '(unknown)', params.grant_type ?? '', {
      ...(params.grant_type ? { grant_type: params.grant_type } : {}),
    });
    try {
      const faults = await tokenFaults(c, sim, parcelDeRenderer, { account: known?.id, endpoint: 'token' });
      if (faults.response) return faults.response;
      if (params.grant_type !== 'password') return parcelDeRenderer.token('unsupported_grant_type');
      if (!known || known.secrets.clientSecret !== params.client_secret)
        return parcelDeRenderer.token('invalid_client');
      if (known.secrets.username !== params.username || known.secrets.password !== params.password) {
        return parcelDeRenderer.token('invalid_grant', { message: 'Invalid user credentials.' });
      }
      const issued = sim.tokens.issue(known, {
        lifetimeSeconds: TOKEN_LIFETIME_SECONDS,
        ...issueOptionsFor(faults.payload),
      });
      const body = { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn };
      return jsonResponse(c, shapeTokenBody(body, faults.payload), {
        headers: { 'cache-control': 'no-store' },
      });
    } finally {
      done();
    }
  });
}
