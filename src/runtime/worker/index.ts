/**
 * The Cloudflare Workers entry (wrangler.toml `main`). Nothing runs at module scope: the
 * gateway is composed inside the first request (Workers refuse timers and I/O outside a
 * handler) and kept for the isolate's life as plain objects, never as a shared promise.
 */
import type { ExecutionContext } from 'hono';
import { createKeyring } from '../../api/middleware/keyring.ts';
import { ConfigError } from '../../config/config-error.ts';
import { splitList } from '../../config/env-refs.ts';
import { installWorkerTelemetry, type WorkerTelemetry } from '../../telemetry/worker-provider.ts';
import { composeWorkerGateway, type WorkerGateway } from './compose.ts';

export { CredentialAuthority } from './authority/object.ts';
export { ControlObject } from './control/object.ts';
export { IdempotencyLedger } from './ledger/object.ts';

let composed: WorkerGateway | undefined;

const GENERIC = 'the gateway cannot start with its configuration; see the Worker logs';

/** Composes this isolate's gateway once; a failure is thrown (every later call tries again). */
async function gatewayFor(env: Record<string, unknown>): Promise<WorkerGateway> {
  if (composed === undefined) {
    const fresh = await composeWorkerGateway(env);
    // Two first requests may both compose: the first one kept is the isolate's gateway.
    composed ??= fresh;
  }
  return composed;
}

/** How long a Cron Trigger waits for alert deliveries still retrying. */
const SCHEDULED_DELIVERY_WAIT_MS = 20_000;

/**
 * One Cron Trigger: hears what other isolates broadcast, then runs health's due work once —
 * probes, alert evaluation, keep-alive — and waits for the alerts it sent.
 */
async function runScheduled(env: Record<string, unknown>): Promise<void> {
  let gateway: WorkerGateway;
  try {
    gateway = await gatewayFor(env);
  } catch (error) {
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'scheduled health run skipped: the gateway cannot start',
        ...(error instanceof ConfigError
          ? { issues: error.message }
          : { errorName: error instanceof Error ? error.name : typeof error }),
      }),
    );
    return;
  }
  await gateway.control.sync({ force: true });
  await gateway.health.tick();
  await gateway.health.settle(SCHEDULED_DELIVERY_WAIT_MS);
}

/** Logs why the gateway could not start: configuration issues name keys, never values. */
function logStartFailure(error: unknown): string | undefined {
  const issues = error instanceof ConfigError ? error.message : undefined;
  console.error(
    JSON.stringify({
      level: 'error',
      msg: 'worker start failed',
      ...(issues ? { issues } : { errorName: error instanceof Error ? error.name : typeof error }),
    }),
  );
  return issues;
}

/**
 * The gateway could not start. The configuration issues (key paths and variable names, never
 * values) are logged, and shown only to a caller holding a GATEWAY_API_KEYS key.
 */
async function misconfigured(
  error: unknown,
  request: Request,
  env: Record<string, unknown>,
): Promise<Response> {
  const issues = logStartFailure(error);
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
    let telemetry: WorkerTelemetry;
    try {
      telemetry = installWorkerTelemetry(env);
    } catch (error) {
      return misconfigured(error, request, env); // an invalid OTEL_* value (sampler, protocol)
    }
    try {
      return await handle(request, env, ctx);
    } finally {
      if (telemetry.active) ctx.waitUntil(telemetry.flush());
    }
  },

  /** The Cron Trigger (wrangler.toml [triggers]): health's periodic work on Workers. */
  async scheduled(_controller: unknown, env: Record<string, unknown>, ctx: ExecutionContext): Promise<void> {
    let telemetry: WorkerTelemetry;
    try {
      telemetry = installWorkerTelemetry(env);
    } catch (error) {
      logStartFailure(error); // requests answer 503 with the issue; the trigger only logs it
      return;
    }
    // Metrics leave on every Cron Trigger (and with requests once their interval passed).
    ctx.waitUntil(
      runScheduled(env).finally(() => (telemetry.active ? telemetry.flush({ metrics: 'now' }) : undefined)),
    );
  },
};

async function handle(
  request: Request,
  env: Record<string, unknown>,
  ctx: ExecutionContext,
): Promise<Response> {
  let gateway: WorkerGateway;
  try {
    gateway = await gatewayFor(env);
  } catch (error) {
    return misconfigured(error, request, env);
  }
  // What other isolates broadcast (a revocation, an account change) is heard before this
  // request is served (at most one poll a second per isolate).
  await gateway.control.sync();
  // env and ctx go on to Hono (c.env, c.executionCtx.waitUntil for work after the answer).
  return gateway.app.fetch(request, env, ctx);
}
