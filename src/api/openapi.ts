/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
import type { ApiApp } from './env.ts';
import { PROBLEM_TABLE, problemTypeUri } from './problems.ts';

export const API_VERSION = '1.0.0';

const catalogTable = [
  '| type | status | title | when |',
  '| --- | --- | --- | --- |',
  ...PROBLEM_TABLE.map(
    (p) => `| \`${problemTypeUri(p.name)}\` | ${p.status} | ${p.title} | ${p.when.replaceAll('|', '\\|')} |`,
  ),
].join('\n');

const DESCRIPTION = [
  'One shipping API in front of many carriers. Every /v1 route needs `Authorization: Bearer <key>`.',
  'Every answer carries `X-Request-Id`. Errors are `application/problem+json` (RFC 9457) with a `type` from this catalog:',
  '',
  catalogTable,
].join('\n');

export function registerSecurityScheme(app: ApiApp): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'A caller API key (GATEWAY_API_KEYS); admin routes take an admin key (GATEWAY_ADMIN_KEYS).',
  });
}

export const openApiObjectConfig = {
  openapi: '3.1.0',
  info: { title: 'Carrier Gateway API', version: API_VERSION, description: DESCRIPTION },
  tags: [
    { name: 'Shipping', description: 'Rates, labels and tracking.' },
    { name: 'Carriers', description: 'Carriers, accounts and their auth health.' },
    { name: 'Operations', description: 'Liveness and readiness probes (no key).' },
  ],
};

/** Generated once on first use: every route (including extraRoutes) is registered by then. */
export function openApiDocument(app: ApiApp): () => ReturnType<ApiApp['getOpenAPI31Document']> {
  let doc: ReturnType<ApiApp['getOpenAPI31Document']> | undefined;
  return () => {
    doc ??= app.getOpenAPI31Document(openApiObjectConfig);
    return doc;
  };
}
