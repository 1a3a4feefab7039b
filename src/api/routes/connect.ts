/**
 * The carrier connect flow (authorization code + PKCE) in the API: src/auth builds the routes
 * (it may not import src/api), this mounts them and documents them in the OpenAPI document,
 * so the two always come together.
 */
import { z } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { CarrierId } from '../../domain/shipment.ts';
import type { ApiApp } from '../env.ts';
import { BEARER } from './common.ts';
import { problemResponsesFor } from './problem-responses.ts';

const ConnectParams = z.object({
  carrier: CarrierId.openapi({ param: { name: 'carrier', in: 'path' }, example: 'acme' }),
  account: z
    .string()
    .min(1)
    .openapi({ param: { name: 'account', in: 'path' }, example: 'main' }),
});

const CallbackQuery = z.object({
  state: z.string().openapi({ description: 'The single-use state the authorize step issued.' }),
  code: z.string().optional().openapi({ description: 'The authorization code, on success.' }),
  error: z
    .string()
    .optional()
    .openapi({ description: 'The OAuth error the carrier redirected with, on refusal.' }),
});

export const ConnectResult = z
  .object({
    connected: z.literal(true),
    carrier: z.string(),
    account: z.string(),
    refreshToken: z.boolean().openapi({ description: 'Whether the carrier issued a refresh token.' }),
    expiresAt: z.string().openapi({ description: 'When the new access token expires (ISO 8601).' }),
  })
  .strict()
  .openapi('ConnectResult');

/** Mounts the connect routes built by src/auth/connect.ts and documents them. */
export function mountConnect(app: ApiApp, routes: Hono): void {
  app.route('/', routes);
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/connect/{carrier}/{account}/authorize',
    tags: ['Carriers'],
    summary: 'Start connecting an authorization-code account: redirects to the carrier login',
    description:
      'Creates a PKCE verifier and a single-use state (10 minutes), then redirects the operator’s browser to the carrier’s authorize page. The carrier sends the browser back to the callback route.',
    security: BEARER,
    request: { params: ConnectParams },
    responses: {
      302: {
        description: 'Redirect to the carrier’s authorize page.',
        headers: { Location: { description: 'The carrier authorize URL.', schema: { type: 'string' } } },
      },
      ...problemResponsesFor(['unauthorized', 'not-found', 'connect-unsupported', 'internal']),
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/connect/{carrier}/{account}/callback',
    tags: ['Carriers'],
    summary: 'Where the carrier sends the operator back: exchanges the code and stores the tokens',
    description:
      'Reached by redirect from the carrier, so it needs no key: the single-use state proves the flow started here. Stores the refresh token through the token store; nothing is stored on any failure.',
    request: { params: ConnectParams, query: CallbackQuery },
    responses: {
      200: {
        description: 'The account is connected.',
        content: { 'application/json': { schema: ConnectResult } },
      },
      ...problemResponsesFor([
        'not-found',
        'connect-unsupported',
        'connect-state-invalid',
        'connect-denied',
        'connect-exchange-failed',
        'connect-store-failed',
        'internal',
      ]),
    },
  });
}
