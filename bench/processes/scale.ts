/**
 * The scale measurement, in a process of its own started with --expose-gc: the memory and
 * timers of an empty gateway core (broker, memory token store, breaker board), then after
 * N carrier accounts got a cached token through the real broker (over HTTP, from the
 * generic OAuth simulator), then after B accounts got their auth and API breakers and used
 * them once. Numbers are taken after full garbage collections.
 */
import { createHook } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { createControlClient } from '../../sandbox/control-client.ts';
import { createCredentialBroker } from '../../src/auth/broker.ts';
import { cacheKey, keyPartsOf } from '../../src/auth/cache-key.ts';
import { createBreakerBoard } from '../../src/resilience/board.ts';
import { DEFAULT_POLICY } from '../../src/resilience/settings.ts';
import { createNodeUpstreamTransport } from '../../src/runtime/node/upstream-transport.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';
import { GENERIC_ID, genericAccount, genericProfile } from '../lib/generic-account.ts';
import { serveRpc, settingsOf } from '../lib/rpc.ts';

const Settings = z.object({
  simulatorUrl: z.string(),
  /** Token lifetime the simulator is set to (set again after each of its resets). */
  tokenLifetimeSeconds: z.number().int().positive(),
  simAccount: z.object({ id: z.string(), secrets: z.record(z.string(), z.string()) }),
  accounts: z.number().int().positive(),
  breakerAccounts: z.number().int().positive(),
  concurrency: z.number().int().positive().default(64),
  /**
   * 'http': every token from the simulator through the broker. 'store': tokens written to the
   * store first and adopted by the broker (what a restarted instance does with a shared store);
   * separates what the accounts keep from what a burst of 100,000 HTTP exchanges leaves behind.
   */
  fill: z.enum(['http', 'store']).default('http'),
});

export interface Footprint {
  rssBytes: number;
  heapUsedBytes: number;
  /** Heap V8 holds from the OS (used or not). */
  heapTotalBytes: number;
  externalBytes: number;
  /**
   * RSS after a memory-reducing GC (V8's last-resort collection: compacts and hands pooled
   * pages back, what its memory reducer does when it judges the process idle), taken after
   * the other figures.
   */
  rssAfterReducingGcBytes: number;
}

export interface ScaleResult {
  empty: Footprint;
  withAccounts: Footprint;
  withBreakers: Footprint;
  accountsMs: number;
  tokensCached: number;
  breakers: number;
  /** Token calls the simulator counted during the fill. */
  simulatorTokenCalls: number;
  /** Live timers the breakers added. */
  breakerTimers: number;
  storeKeys: number;
}

/**
 * Live timers, unref'd ones included (process.getActiveResourcesInfo() lists only those that
 * keep the process alive, and opossum unrefs its rolling-window interval).
 */
const liveTimers = new Set<number>();
const timerHook = createHook({
  init(id, type) {
    if (type === 'Timeout') liveTimers.add(id);
  },
  destroy(id) {
    liveTimers.delete(id);
  },
});

const SEEDED = Buffer.from('seeded-');

const SIMULATOR_BATCH = Number.POSITIVE_INFINITY;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Gc = (options?: { type: 'major'; flavor: 'regular' | 'last-resort' }) => void;

async function footprint(): Promise<Footprint> {
  const gc = (globalThis as { gc?: Gc }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(50);
  }
  // Give V8's memory reducer an idle moment to hand freed pages back, then collect again.
  await sleep(2_000);
  gc?.();
  const m = process.memoryUsage();
  gc?.({ type: 'major', flavor: 'last-resort' });
  await sleep(200);
  return {
    rssBytes: m.rss,
    heapUsedBytes: m.heapUsed,
    heapTotalBytes: m.heapTotal,
    externalBytes: m.external,
    rssAfterReducingGcBytes: process.memoryUsage().rss,
  };
}

async function measure(): Promise<ScaleResult> {
  const settings = settingsOf(Settings);
  // Token calls as the Node composition root sends them: undici pools.
  const transport = createNodeUpstreamTransport();
  // Sized for every account: the composition root's default store keeps 10,000 keys.
  const store = createMemoryTokenStore({ max: settings.accounts + 1_000 });
  const broker = createCredentialBroker({
    store,
    profileOf: () => genericProfile,
    transport: transport.transportFor(3_000),
  });
  const board = createBreakerBoard(() => DEFAULT_POLICY);
  const empty = await footprint();

  const control = createControlClient(`${settings.simulatorUrl}/_control`);
  const started = performance.now();
  let next = 0;
  let cached = 0;
  let simulatorTokenCalls = 0;
  let batchEnd = 0;
  const worker = async () => {
    while (next < batchEnd) {
      const i = next++;
      const account = genericAccount(settings.simulatorUrl, settings.simAccount, `acct-${i}`);
      if (settings.fill === 'store') {
        const obtainedAt = Date.now();
        const key = await cacheKey(keyPartsOf(account, 'primary', undefined));
        // Frozen, as every token the broker writes to the memory store, and a flat random
        // string, as a token parsed off the wire: decoded from bytes, since a template would
        // keep a cons string (32 more bytes per token; two randomUUID()s would also keep
        // ~800 bytes of Node's UUID pool alive): not what the gateway holds.
        await store.compareAndSet(
          key,
          0,
          Object.freeze({
            accessToken: Buffer.concat([SEEDED, Buffer.from(randomBytes(54).toString('base64url'))]).toString(
              'latin1',
            ),
            tokenType: 'Bearer',
            obtainedAt,
            expiresAt: obtainedAt + 24 * 3_600_000,
          }),
        );
      }
      await broker.credential(account, 'primary');
      cached += 1;
    }
  };
  // One batch: the simulator's sweep of expired tokens is amortized (sandbox/kit/tokens.ts), so
  // 100,000 live tokens cost it linear time (it used to be emptied every 40,000).
  const tokenCallsSeen = async () =>
    Object.values((await control.stats(GENERIC_ID)).tokenCalls).reduce((a, b) => a + b, 0);
  while (next < settings.accounts) {
    batchEnd = Math.min(settings.accounts, next + SIMULATOR_BATCH);
    await Promise.all(Array.from({ length: settings.concurrency }, worker));
    simulatorTokenCalls += await tokenCallsSeen();
    await control.reset(GENERIC_ID);
    await control.setMode({ carrier: GENERIC_ID, tokenLifetimeSeconds: settings.tokenLifetimeSeconds });
  }
  const accountsMs = performance.now() - started;
  const withAccounts = await footprint();

  // Counted from here only: a hook on every async resource would slow the HTTP phase down.
  liveTimers.clear();
  timerHook.enable();
  const timersBefore = liveTimers.size;
  for (let i = 0; i < settings.breakerAccounts; i++) {
    const pair = board.for(GENERIC_ID, `acct-${i}`);
    await pair.auth.run(async () => true);
    await pair.api.run(async () => true);
  }
  const breakersHeld = board.size() * 2;
  const breakerTimers = liveTimers.size - timersBefore;
  const withBreakers = await footprint();
  timerHook.disable();
  board.shutdown();
  await transport.close();
  return {
    empty,
    withAccounts,
    withBreakers,
    accountsMs,
    tokensCached: cached,
    breakers: breakersHeld,
    breakerTimers,
    simulatorTokenCalls,
    storeKeys: store.size(),
  };
}

serveRpc({ pid: process.pid }, { measure });
