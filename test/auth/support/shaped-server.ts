/**
 * A small carrier-shaped token server for the cases the standards-shaped sandbox cannot
 * produce: UPS-like error bodies (`{"response":{"errors":[...]}}`), string lifetimes,
 * `refresh_token_expires_in`, and refresh answers that omit the refresh token. Real HTTP on
 * an ephemeral loopback port.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { CarrierAuthProfile, TokenErrorDecoder } from '../../../src/auth/profile.ts';

export interface ScriptedAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ShapedServer {
  url: string;
  /** Answers to give, in order, before falling back to a successful token. */
  script(...answers: ScriptedAnswer[]): void;
  /** Refresh answers leave out refresh_token (RFC 6749 6 allows it). */
  omitRefreshToken: boolean;
  /** Refresh token lifetime announced in refresh_token_expires_in (seconds, as a string). */
  refreshLifetimeSeconds: number;
  requests: Record<string, string>[];
  issued: { accessToken: string; refreshToken?: string | undefined }[];
  close(): Promise<void>;
}

let counter = 0;
function next(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export async function startShapedServer(): Promise<ShapedServer> {
  const queue: ScriptedAnswer[] = [];
  const state: ShapedServer = {
    url: '',
    script: (...answers) => {
      queue.push(...answers);
    },
    omitRefreshToken: false,
    refreshLifetimeSeconds: 604_799,
    requests: [],
    issued: [],
    close: async () => {},
  };
  const app = new Hono();
  app.post('/security/v1/oauth/token', async (c) => {
    const params = Object.fromEntries(new URLSearchParams(await c.req.text()));
    state.requests.push(params);
    const scripted = queue.shift();
    if (scripted !== undefined) {
      return new Response(typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body), {
        status: scripted.status,
        headers: { 'content-type': 'application/json', ...scripted.headers },
      });
    }
    const accessToken = next('at');
    const withRefresh = params.grant_type !== 'client_credentials' && !state.omitRefreshToken;
    const refreshToken = withRefresh ? next('rt') : undefined;
    state.issued.push({ accessToken, refreshToken });
    return c.json({
      token_type: 'Bearer',
      issued_at: String(Date.now()),
      client_id: 'shaped-client',
      access_token: accessToken,
      scope: '',
      expires_in: '14399',
      refresh_count: '0',
      status: 'approved',
      ...(refreshToken !== undefined
        ? { refresh_token: refreshToken, refresh_token_expires_in: String(state.refreshLifetimeSeconds) }
        : {}),
    });
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
  return state;
}

/** The way a UPS-like profile decodes its own error shape (what carriers/<id>/ will do). */
export const upsLikeDecoder: TokenErrorDecoder = (answer) => {
  const errors = (
    answer.json as { response?: { errors?: { code?: string; message?: string }[] } } | undefined
  )?.response?.errors;
  const first = errors?.[0];
  if (first?.code === undefined) return undefined;
  if (answer.status === 429 || /quota/i.test(first.message ?? ''))
    return { failureClass: 'throttled', code: first.code };
  if (first.code === '250002' || first.code === '250003')
    return { failureClass: 'misconfigured', code: first.code };
  if (first.code === 'invalid_refresh_token') return { failureClass: 'revoked', code: first.code };
  return { failureClass: 'unavailable', code: first.code };
};

export function shapedProfile(): CarrierAuthProfile {
  const common = {
    tokenPath: '/security/v1/oauth/token',
    clientAuth: 'basic' as const,
    decodeError: upsLikeDecoder,
  };
  return {
    methods: {
      client_credentials: { kind: 'client_credentials', ...common },
      authorization_code: {
        kind: 'authorization_code',
        ...common,
        authorizeUrlPath: '/authorize',
        rotatesRefreshToken: true,
      },
    },
    default: 'client_credentials',
    credentialFields: { client_credentials: ['clientId', 'clientSecret'] },
  };
}
