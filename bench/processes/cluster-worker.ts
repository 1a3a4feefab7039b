/**
 * One gateway instance of the cluster-stampede scenario: a credential broker wired as the
 * Node composition root wires it (the Redis shared state with its refresh coordinator, or
 * the in-process memory store), in its own process. The parent tells every instance to fire
 * its share of the callers at the same wall-clock instant: the moment the token expires.
 */
import { z } from '@hono/zod-openapi';
import { createCredentialBroker } from '../../src/auth/broker.ts';
import { createLogger } from '../../src/log/logger.ts';
import { openSharedState } from '../../src/runtime/node/shared-state.ts';
import { createNodeUpstreamTransport } from '../../src/runtime/node/upstream-transport.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';
import { genericAccount, genericProfile } from '../lib/generic-account.ts';
import { serveRpc, settingsOf } from '../lib/rpc.ts';

const Settings = z.object({
  redis: z.object({ url: z.string(), namespace: z.string(), key: z.string() }).optional(),
  simulatorUrl: z.string(),
  simAccount: z.object({ id: z.string(), secrets: z.record(z.string(), z.string()) }),
});

const Burst = z.object({ at: z.number(), callers: z.number().int().positive() });

export interface BurstResult {
  servedAt: number;
  failed: number;
  fingerprints: string[];
}

const settings = settingsOf(Settings);
const logger = createLogger({ level: 'error', write: (line) => process.stderr.write(`${line}\n`) });
const shared = settings.redis
  ? await openSharedState(
      {
        url: settings.redis.url,
        namespace: settings.redis.namespace,
        encryptionKeys: [{ id: 'bench', key: settings.redis.key }],
      },
      logger,
    )
  : undefined;
// Token calls as the Node composition root sends them: undici pools.
const transport = createNodeUpstreamTransport();
const broker = createCredentialBroker({
  store: shared?.store ?? createMemoryTokenStore(),
  profileOf: () => genericProfile,
  transport: transport.transportFor(3_000),
  logger,
  ...(shared ? { coordinator: shared.coordinator } : {}),
});
const account = genericAccount(settings.simulatorUrl, settings.simAccount);

serveRpc(
  { pid: process.pid },
  {
    async warm() {
      const credential = await broker.credential(account, 'primary');
      return { expiresAt: credential.expiresAt };
    },
    async burst(params: unknown): Promise<BurstResult> {
      const { at, callers } = Burst.parse(params);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
      const settled = await Promise.allSettled(
        Array.from({ length: callers }, () => broker.credential(account, 'primary')),
      );
      const servedAt = Date.now();
      const fingerprints = new Set(
        settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.fingerprint] : [])),
      );
      return {
        servedAt,
        failed: settled.filter((s) => s.status === 'rejected').length,
        fingerprints: [...fingerprints],
      };
    },
    async clear() {
      await shared?.store.clear();
      return true;
    },
  },
  async () => {
    await shared?.close();
    await transport.close();
  },
);
