/**
 * Protected resources of the generic server: a ping, a derived payment token obtained with
 * the bearer token, and a label purchase that needs both (like USPS labels).
 */
import type { Hono } from 'hono';
import {
  type ApiAuthCheck,
  type AuthErrorRenderer,
  apiGuard,
  bearerToken,
  guardedAccount,
  jsonResponse,
  readParams,
  type SimContext,
} from '../kit/index.ts';

const PAYMENT_HEADER = 'x-payment-authorization-token';
const PAYMENT_LIFETIME_S = 600;

/** Both tokens, of the same account: the bearer access token and the derived payment token. */
const bearerAndPayment: ApiAuthCheck = (c, sim) => {
  const primary = bearerToken(c);
  const payment = c.req.header(PAYMENT_HEADER);
  if (primary === undefined || payment === undefined) return undefined;
  const a = sim.tokens.verify(primary);
  const p = sim.tokens.verify(payment);
  if (!a.ok || !p.ok || a.kind !== 'access' || p.kind !== 'payment') return undefined;
  return a.account.id === p.account.id ? a.account : undefined;
};

// biome-ignore lint/suspicious/noExplicitAny: any Hono env.
export function mountApiRoutes(app: Hono<any>, sim: SimContext, renderer: AuthErrorRenderer): void {
  app.get('/api/ping', apiGuard(sim, renderer, { endpoint: 'ping' }), (c) => {
    const account = guardedAccount(c);
    return jsonResponse(c, { ok: true, account: account?.id }, { gzip: true });
  });

  app.post('/payments/authorize', apiGuard(sim, renderer, { endpoint: 'payment' }), (c) => {
    const account = guardedAccount(c);
    if (!account) return renderer.unauthorized();
    const token = sim.tokens.issue(account, {
      kind: 'payment',
      scope: 'payment',
      lifetimeSeconds: PAYMENT_LIFETIME_S,
    });
    return jsonResponse(
      c,
      { payment_token: token.accessToken, expires_in: token.expiresIn },
      { status: 201 },
    );
  });

  app.post(
    '/api/labels',
    apiGuard(sim, renderer, { endpoint: 'label', auth: bearerAndPayment }),
    async (c) => {
      const account = guardedAccount(c);
      if (!account) return renderer.unauthorized();
      const params = await readParams(c);
      const format = (params.format ?? 'PDF').toUpperCase();
      if (!['PDF', 'ZPL', 'PNG', 'GIF'].includes(format)) {
        return jsonResponse(
          c,
          { error: 'invalid_request', error_description: 'format must be PDF, ZPL, PNG or GIF' },
          { status: 400 },
        );
      }
      const label = sim.labels.create({
        accountId: account.id,
        service: params.service ?? 'standard',
        format,
        ...(params.reference !== undefined ? { reference: params.reference } : {}),
      });
      const doc = sim.documents.render(format, [label.trackingNumber, `REF ${params.reference ?? '-'}`]);
      return jsonResponse(
        c,
        {
          trackingNumber: label.trackingNumber,
          format,
          mediaType: doc.mediaType,
          data: Buffer.from(doc.bytes).toString('base64'),
        },
        { status: 201 },
      );
    },
  );

  app.get('/api/track/:trackingNumber', apiGuard(sim, renderer, { endpoint: 'track' }), (c) => {
    const events = sim.labels.events(c.req.param('trackingNumber'));
    if (!events) return jsonResponse(c, { error: 'not_found' }, { status: 404 });
    return jsonResponse(c, { trackingNumber: c.req.param('trackingNumber'), events });
  });
}
