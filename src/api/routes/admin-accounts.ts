/**
 * Carrier accounts as data (/admin/accounts, admin keys only): list (paginated), read, create
 * or replace, disable (`enabled: false`), delete. Secrets are write-only: an answer names the
 * credential fields that are set, never their values. A change reaches every instance at once.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { AUTH_METHOD_KINDS } from '../../config/schema.ts';
import type { Logger } from '../../log/logger.ts';
import type { ApiApp } from '../env.ts';
import { ApiProblem, type FieldIssue } from '../problem.ts';
import { createAudit } from './admin-audit.ts';
import { AccountParams } from './admin-schemas.ts';
import { BEARER, REQUEST_ID_RESPONSE_HEADER } from './common.ts';
import { problemResponses } from './problem-responses.ts';

const ADMIN = ['Admin'];

const Rotation = z
  .object({
    credentialExpiresAt: z.iso.datetime({ offset: true }).optional(),
    lastRotatedAt: z.iso.datetime({ offset: true }).optional(),
    rotateEveryDays: z.number().positive().optional(),
    warnDays: z.number().positive().optional(),
  })
  .strict();

export const AccountInput = z
  .object({
    environment: z.enum(['sandbox', 'production']),
    auth: z
      .enum(AUTH_METHOD_KINDS)
      .optional()
      .openapi({ description: "Default: the carrier's default method." }),
    credentials: z.record(z.string(), z.string().min(1)).optional().openapi({
      description:
        'Secret values by field name (clientId, clientSecret, apiKey...). Write-only: never returned. On a replace, fields not sent keep their value.',
    }),
    settings: z.record(z.string(), z.string()).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    baseUrls: z
      .record(z.string(), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }))
      .optional()
      .openapi({ description: "Per profile host name; hosts not given use the profile's URL." }),
    tokenCallsPerHour: z.number().int().positive().optional(),
    enabled: z.boolean().optional().openapi({ description: 'false: kept, but not served (default true).' }),
    probe: z
      .object({ enabled: z.boolean(), intervalMs: z.number().int().positive().optional() })
      .strict()
      .optional(),
    rotation: Rotation.optional(),
  })
  .strict()
  .openapi('AccountInput');
export type AccountInput = z.infer<typeof AccountInput>;

export const AccountView = z
  .object({
    carrier: z.string(),
    id: z.string(),
    environment: z.enum(['sandbox', 'production']),
    authMethod: z.string(),
    credentials: z
      .array(z.string())
      .openapi({ description: 'The credential fields that are set (names only).' }),
    settings: z.record(z.string(), z.string()),
    labels: z.record(z.string(), z.string()),
    baseUrls: z.record(z.string(), z.string()),
    tokenCallsPerHour: z.number().optional(),
    enabled: z.boolean(),
    probe: z.object({ enabled: z.boolean(), intervalMs: z.number().optional() }),
    rotation: Rotation.optional(),
    source: z.enum(['config', 'api']),
    updatedAt: z.string(),
  })
  .openapi('Account');
export type AccountView = z.infer<typeof AccountView>;

const AccountPage = z
  .object({
    accounts: z.array(AccountView),
    next: z.string().optional().openapi({ description: 'Pass as `cursor` for the next page.' }),
  })
  .openapi('AccountPage');

const ListQuery = z.object({
  cursor: z.string().optional().openapi({ description: 'Where the previous page ended.' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** What the routes ask of the fleet's account registry (the composition implements it). */
export interface AccountAdmin {
  list(cursor: string | undefined, limit: number): { accounts: AccountView[]; next?: string | undefined };
  get(carrier: string, id: string): AccountView | undefined;
  /** Creates or replaces; `issues` when the carrier's profile refuses it (field pointers). */
  put(
    carrier: string,
    id: string,
    input: AccountInput,
  ): Promise<{ created: boolean; account: AccountView } | { issues: FieldIssue[] }>;
  remove(carrier: string, id: string): Promise<boolean>;
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  headers: REQUEST_ID_RESPONSE_HEADER,
  content: { 'application/json': { schema } },
});

const listRoute = createRoute({
  method: 'get',
  path: '/admin/accounts',
  tags: ADMIN,
  summary: 'Carrier accounts, a page at a time (never a secret value)',
  security: BEARER,
  request: { query: ListQuery },
  responses: { 200: json(AccountPage, 'One page of accounts.'), ...problemResponses([400, 401, 403, 500]) },
});

const getRoute = createRoute({
  method: 'get',
  path: '/admin/accounts/{carrier}/{account}',
  tags: ADMIN,
  summary: 'One carrier account (never a secret value)',
  security: BEARER,
  request: { params: AccountParams },
  responses: { 200: json(AccountView, 'The account.'), ...problemResponses([401, 403, 404, 500]) },
});

const putRoute = createRoute({
  method: 'put',
  path: '/admin/accounts/{carrier}/{account}',
  tags: ADMIN,
  summary: 'Create or replace a carrier account; every instance serves the change at once',
  security: BEARER,
  request: {
    params: AccountParams,
    body: { required: true, content: { 'application/json': { schema: AccountInput } } },
  },
  responses: {
    200: json(AccountView, 'Replaced.'),
    201: json(AccountView, 'Created.'),
    ...problemResponses([400, 401, 403, 404, 415, 422, 500]),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/admin/accounts/{carrier}/{account}',
  tags: ADMIN,
  summary: 'Delete a carrier account and revoke its tokens; a restart does not bring it back',
  security: BEARER,
  request: { params: AccountParams },
  responses: { 204: { description: 'Deleted.' }, ...problemResponses([401, 403, 404, 500]) },
});

const notFound = (carrier: string, account: string) =>
  new ApiProblem('not-found', `No account '${account}' is configured for carrier '${carrier}'.`, {
    members: { field: '/account' },
  });

export function registerAccountAdmin(app: ApiApp, admin: AccountAdmin, logger: Logger): void {
  const audit = createAudit(logger);

  app.openapi(listRoute, async (c) => {
    const { cursor, limit } = c.req.valid('query');
    return c.json(await audit(c, 'accounts.list', {}, async () => admin.list(cursor, limit)), 200);
  });

  app.openapi(getRoute, async (c) => {
    const { carrier, account } = c.req.valid('param');
    const found = admin.get(carrier, account);
    if (found === undefined) throw notFound(carrier, account);
    return c.json(found, 200);
  });

  app.openapi(putRoute, async (c) => {
    const { carrier, account } = c.req.valid('param');
    const input = c.req.valid('json');
    const result = await audit(c, 'accounts.put', { carrier, account }, () =>
      admin.put(carrier, account, input),
    );
    if ('issues' in result) {
      throw new ApiProblem(
        'unprocessable',
        `The account does not fit carrier '${carrier}': ${result.issues.length} field issue(s).`,
        {
          members: { errors: result.issues },
        },
      );
    }
    return c.json(result.account, result.created ? 201 : 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const { carrier, account } = c.req.valid('param');
    const removed = await audit(c, 'accounts.delete', { carrier, account }, () =>
      admin.remove(carrier, account),
    );
    if (!removed) throw notFound(carrier, account);
    return c.body(null, 204);
  });
}
