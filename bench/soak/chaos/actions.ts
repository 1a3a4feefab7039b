/**
 * Carrying out the chaos timeline: faults go to the simulators' control API at their time;
 * process actions (Redis, gateway kills, revocations) run one after the other in their own
 * lane, so a Redis restart never lands in the middle of a freeze. Every action is recorded
 * with when it really started and ended, and whether it worked.
 */
import { CONSENT_PARAM } from '../../../sandbox/consent.ts';
import type { ControlClient } from '../../../sandbox/control-client.ts';
import type { SoakGateway } from '../processes/gateway.ts';
import type { SoakRedis } from '../processes/redis.ts';
import { CONNECTED_ACCOUNT, CONNECTED_CARRIER, CONNECTED_TOKEN_SECONDS } from '../setup/accounts.ts';
import { type ChaosEvent, describeEvent } from './plan.ts';

export interface ExecutedEvent {
  /** Planned offset from the start of the run, ms. */
  at: number;
  type: ChaosEvent['type'];
  description: string;
  startedAt: number;
  endedAt: number;
  error?: string;
}

export interface ChaosContext {
  control: ControlClient;
  redis: SoakRedis;
  gateways: readonly SoakGateway[];
  adminKey: string;
  log(message: string): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function admin(ctx: ChaosContext, gateway: SoakGateway, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 200)}`);
}

/**
 * Connects the authorization-code account through one instance, as an operator's browser
 * would: the gateway's authorize route, the carrier's login and consent (Allow),
 * back to the gateway's callback.
 */
export async function reconnect(ctx: ChaosContext, gateway: SoakGateway): Promise<void> {
  const start = await fetch(`${gateway.url}/v1/connect/${CONNECTED_CARRIER}/${CONNECTED_ACCOUNT}/authorize`, {
    headers: { authorization: `Bearer ${ctx.adminKey}` },
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  await start.body?.cancel();
  const login = start.headers.get('location');
  if (start.status !== 302 || !login) throw new Error(`connect authorize answered ${start.status}`);
  // The operator presses Allow on the carrier's consent page: the page sends this parameter.
  const allowed = new URL(login);
  allowed.searchParams.set(CONSENT_PARAM, 'allow');
  const consent = await fetch(allowed, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  await consent.body?.cancel();
  const callback = consent.headers.get('location');
  if (!callback) throw new Error(`the carrier login answered ${consent.status} without a redirect`);
  const done = await fetch(callback, { signal: AbortSignal.timeout(15_000) });
  const text = await done.text();
  if (done.status !== 200) throw new Error(`connect callback answered ${done.status}: ${text.slice(0, 200)}`);
}

async function restartGateway(gateway: SoakGateway, downMs: number): Promise<void> {
  await gateway.kill9();
  await sleep(downMs);
  await gateway.start();
}

async function perform(ctx: ChaosContext, event: ChaosEvent): Promise<void> {
  switch (event.type) {
    case 'fault':
      await ctx.control.injectFault(event.spec);
      return;
    case 'redis-freeze':
      ctx.redis.freeze();
      await sleep(event.durationMs);
      ctx.redis.thaw();
      return;
    case 'redis-restart-keep':
      await ctx.redis.restartKeepingData(event.downMs);
      return;
    case 'redis-restart-empty':
      await ctx.redis.restartEmpty(event.downMs);
      return;
    case 'gateway-kill':
      await restartGateway(ctx.gateways[event.instance]!, event.downMs);
      return;
    case 'carrier-revoke':
      await ctx.control.revoke({
        carrier: event.carrier,
        ...(event.account ? { account: event.account } : {}),
      });
      return;
    case 'rotation-race':
      await ctx.control.setMode({
        carrier: CONNECTED_CARRIER,
        account: CONNECTED_ACCOUNT,
        tokenLifetimeSeconds: 2,
      });
      await ctx.control.injectFault({
        carrier: CONNECTED_CARRIER,
        account: CONNECTED_ACCOUNT,
        target: 'token',
        endpoint: 'refresh',
        kind: 'slow',
        probability: 0.5,
        durationMs: event.durationMs,
        params: { delayMs: 1_500 },
      });
      await sleep(event.durationMs);
      await ctx.control.setMode({
        carrier: CONNECTED_CARRIER,
        account: CONNECTED_ACCOUNT,
        tokenLifetimeSeconds: CONNECTED_TOKEN_SECONDS,
      });
      return;
    case 'admin-revoke-reconnect': {
      const path = `/admin/credentials/${CONNECTED_CARRIER}/${CONNECTED_ACCOUNT}/revoke`;
      await admin(ctx, ctx.gateways[event.instance]!, path, { dropAuthorization: true });
      await sleep(event.gapMs);
      await reconnect(ctx, ctx.gateways[event.reconnectOn]!);
      return;
    }
  }
}

/**
 * Runs the timeline against `runStart` (epoch ms). Resolves when every event has been carried
 * out; `stopped()` ends it early (events not yet due are skipped).
 */
export function runChaos(ctx: ChaosContext, events: readonly ChaosEvent[], runStart: number) {
  const executed: ExecutedEvent[] = [];
  let stop = false;
  let lane: Promise<void> = Promise.resolve();
  const pending: Promise<void>[] = [];

  const execute = async (event: ChaosEvent) => {
    const startedAt = Date.now();
    const description = describeEvent(event);
    ctx.log(`chaos: ${description}`);
    let error: string | undefined;
    try {
      await perform(ctx, event);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      ctx.log(`chaos action failed: ${description}: ${error}`);
    }
    executed.push({
      at: event.at,
      type: event.type,
      description,
      startedAt: startedAt - runStart,
      endedAt: Date.now() - runStart,
      ...(error ? { error } : {}),
    });
  };

  const done = (async () => {
    for (const event of [...events].sort((a, b) => a.at - b.at)) {
      const wait = runStart + event.at - Date.now();
      if (wait > 0) await sleep(wait);
      if (stop) break;
      if (event.type === 'fault') pending.push(execute(event));
      else lane = lane.then(() => (stop ? undefined : execute(event)));
    }
    await lane;
    await Promise.all(pending);
  })();

  return {
    executed,
    done,
    stopped() {
      stop = true;
      return done;
    },
  };
}
