/**
 * The Cloudflare Workers entry (wrangler.toml `main`). Nothing runs at module scope: the
 * gateway is composed inside the first request (Workers refuse timers and I/O outside a
 * handler) and kept for the isolate's life as plain objects, never as a shared promise.
 */
import type { ExecutionContext } from 'hono';
import { createKeyring } from '../../api/middleware/keyring.ts';
import { ConfigError } from '../../config/config-error.ts';
import { splitList } from '../../config/env-refs.ts';
import { installWorkerTelemetry } from '../../telemetry/worker-provider.ts';
import { composeWorkerGateway, type WorkerGateway } from './compose.ts';

export { CredentialAuthority } from './authority/object.ts';
export { IdempotencyLedger } from './ledger/object.ts';

let composed: WorkerGateway | undefined;

const GENERIC = 'the gateway cannot start with its configuration; see the Worker logs';

/**
 * The gateway could not start. The configuration issues (key paths and variable names, never
 * values) are logged, and shown only to a caller holding a GATEWAY_API_KEYS key.
 */
async function misconfigured(
  error: unknown,
  request: Request,
  env: Record<string, unknown>,
): Promise<Response> {
  const issues = error instanceof ConfigError ? error.message : undefined;
  console.error(
    JSON.stringify({
      level: 'error',
      msg: 'worker start failed',
      ...(issues ? { issues } : { errorName: error instanceof Error ? error.name : typeof error }),
    }),
  );
  const presented = /^Bearer +(\S+) *$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  const keys = splitList(typeof env.GATEWAY_API_KEYS === 'string' ? env.GATEWAY_API_KEYS : undefined);
  const trusted = presented !== undefined && (await createKeyring(keys).has(presented));
  return new Response(
    JSON.stringify({
      type: '/problems/internal',
      title: 'Gateway misconfigured',
      status: 503,
      detail: trusted && issues ? issues : GENERIC,
    }),
    { status: 503, headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' } },
  );
}

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    // Installed inside the request (never at module scope); spans leave after the answer.
    const telemetry = installWorkerTelemetry(env);
    try {
      return await handle(request, env, ctx);
    } finally {
      if (telemetry.active) ctx.waitUntil(telemetry.flush());
    }
  },
};

async function handle(
  request: Request,
  env: Record<string, unknown>,
  ctx: ExecutionContext,
): Promise<Response> {
  if (composed === undefined) {
    try {
      const fresh = await composeWorkerGateway(env);
      // Two first requests may both compose: the first one kept is the isolate's gateway.
      composed ??= fresh;
    } catch (error) {
      return misconfigured(error, request, env);
    }
  }
  // env and ctx go on to Hono (c.env, c.executionCtx.waitUntil for work after the answer).
  return composed.app.fetch(request, env, ctx);
}
