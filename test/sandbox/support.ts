/** Shared helpers of the sandbox tests: a real sandbox with the generic OAuth server. */
import { createGenericOAuth, GENERIC_OAUTH_ID } from '../../sandbox/generic-oauth.ts';
import type { FaultSpec } from '../../sandbox/kit/types.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';

export const CLIENT = { id: 'generic-client', secret: 'generic-secret' };
export const basic = (id: string, secret: string): string => `Basic ${btoa(`${id}:${secret}`)}`;

export interface GenericServer {
  sandbox: Sandbox;
  base: string;
  /** POSTs a form to /oauth/token with the default client's Basic auth (unless headers override). */
  token(
    params: Record<string, string>,
    init?: { headers?: Record<string, string>; signal?: AbortSignal },
  ): Promise<Response>;
  inject(spec: Omit<FaultSpec, 'carrier'>): Promise<string>;
}

export async function startGeneric(): Promise<GenericServer> {
  const sandbox = await startSandbox({ simulators: { [GENERIC_OAUTH_ID]: createGenericOAuth } });
  const base = sandbox.baseUrl(GENERIC_OAUTH_ID);
  return {
    sandbox,
    base,
    token: (params, init = {}) =>
      fetch(`${base}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: basic(CLIENT.id, CLIENT.secret),
          'content-type': 'application/x-www-form-urlencoded',
          ...init.headers,
        },
        body: new URLSearchParams(params).toString(),
        signal: init.signal ?? AbortSignal.timeout(10_000),
      }),
    inject: (spec) => sandbox.control.injectFault({ carrier: GENERIC_OAUTH_ID, ...spec }),
  };
}

export async function jsonOf(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}
