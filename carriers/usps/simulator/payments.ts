/**
 * POST /payments/v3/payment-authorization: Bearer-protected; the PAYER and LABEL_OWNER roles
 * are required (160218 "<role> requires CRID"), and the answer is a JWT payment token valid
 * eight hours with aud labels/international-labels, plus the roles echoed back.
 */
import { z } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { apiGuard, guardedAccount, type SimContext } from '../../../sandbox/kit/index.ts';
import { type ErrorItem, errorResponse, uspsRenderer } from './errors.ts';
import { validateBody } from './validate.ts';

const API = '/payments/v3';
export const PAYMENT_TOKEN_SECONDS = 28_800;
const mid = z.string().regex(/^(\d{6}|\d{9})$/);

const Role = z.looseObject({
  roleName: z.enum([
    'PAYER',
    'RATE_HOLDER',
    'LABEL_OWNER',
    'SHIPPER',
    'MAIL_OWNER',
    'PLATFORM',
    'RETURN_LABEL_PAYER',
    'RETURN_LABEL_RATE_HOLDER',
    'RETURN_LABEL_OWNER',
    'LABEL_PROVIDER',
  ]),
  // Empty is let through so the business rule answers 160218, as USPS does.
  CRID: z.string().max(18).optional(),
  MID: mid.optional(),
  manifestMID: mid.optional(),
  accountType: z.enum(['EPS', 'PERMIT', 'METER', 'OMAS']).optional(),
  accountNumber: z.string().optional(),
  permitNumber: z.string().optional(),
  permitZIP: z.string().max(5).optional(),
});
const Parties = z.looseObject({ roles: z.array(Role).min(1) });
type RoleT = z.infer<typeof Role>;

/**
 * The business rules of the roles (payments spec, "The available roles are"). 160218 is from
 * the USPS error inventory; 160217, 160219 and 160220 are this sandbox's own codes.
 */
function roleErrors(roles: RoleT[]): ErrorItem[] {
  const errors: ErrorItem[] = [];
  const payer = roles.find((r) => r.roleName === 'PAYER');
  const owner = roles.find((r) => r.roleName === 'LABEL_OWNER');
  if (!owner) errors.push({ code: '160217', detail: 'LABEL_OWNER role is required', parameter: 'roles' });
  if (!payer) errors.push({ code: '160217', detail: 'PAYER role is required', parameter: 'roles' });
  for (const role of [payer, owner]) {
    if (role && !role.CRID)
      errors.push({ code: '160218', detail: `${role.roleName} requires CRID`, parameter: 'roles.CRID' });
  }
  if (owner && (!owner.MID || !owner.manifestMID)) {
    errors.push({
      code: '160219',
      detail: 'LABEL_OWNER requires MID and manifestMID',
      parameter: 'roles.MID',
    });
  }
  if (payer && !payer.accountType)
    errors.push({ code: '160220', detail: 'PAYER requires accountType', parameter: 'roles.accountType' });
  if (payer?.accountType === 'EPS' && !payer.accountNumber) {
    errors.push({
      code: '160220',
      detail: 'PAYER requires accountNumber for EPS',
      parameter: 'roles.accountNumber',
    });
  }
  return errors;
}

export function mountPayments(app: Hono, sim: SimContext): void {
  app.post(
    `${API}/payment-authorization`,
    apiGuard(sim, uspsRenderer(API), { endpoint: 'payment' }),
    async (c) => {
      const body = await validateBody(await c.req.text(), Parties, API);
      if (!body.ok) return body.response;
      const errors = roleErrors(body.value.roles);
      if (errors.length) return errorResponse(API, 400, errors);
      const account = guardedAccount(c);
      if (!account) return uspsRenderer(API).unauthorized();
      const issued = sim.tokens.issue(account, {
        kind: 'payment',
        lifetimeSeconds: PAYMENT_TOKEN_SECONDS,
        format: 'jwt',
        claims: { aud: ['labels', 'international-labels'] },
      });
      return c.json({ paymentAuthorizationToken: issued.accessToken, roles: body.value.roles });
    },
  );
}
