/**
 * The processes of one soak run, each started separately as the product is: a private Redis,
 * the simulators (with the run's accounts registered), N gateway instances on one configuration
 * file, and the load generator. `stop()` ends whatever was started, whatever happened.
 */
import { type Child, forkChild } from '../lib/child.ts';
import { freePort } from './lib/ports.ts';
import { createSoakGateway, type SoakGateway } from './processes/gateway.ts';
import { type SoakRedis, startSoakRedis } from './processes/redis.ts';
import { type SoakSandbox, startSoakSandbox } from './processes/sandbox.ts';
import { CONNECTED_CARRIER, prepareAccounts, type SoakAccount } from './setup/accounts.ts';
import { type GatewayEnvironment, writeGatewayConfig } from './setup/config.ts';

export interface SoakStack {
  redis: SoakRedis;
  sandbox: SoakSandbox;
  accounts: SoakAccount[];
  env: GatewayEnvironment;
  gateways: SoakGateway[];
  load: Child<{ pid: number }>;
}

export async function withStack<T>(
  options: { instances: number; seed: number; runId: string; logDir: string },
  use: (stack: SoakStack) => Promise<T>,
): Promise<T> {
  let redis: SoakRedis | undefined;
  let sandbox: SoakSandbox | undefined;
  let gateways: SoakGateway[] = [];
  let load: Child<{ pid: number }> | undefined;
  try {
    [redis, sandbox] = await Promise.all([startSoakRedis(), startSoakSandbox(options.logDir)]);
    const simulators = sandbox;
    const accounts = await prepareAccounts(simulators.control, simulators.baseUrl(CONNECTED_CARRIER));
    const env = await writeGatewayConfig({
      dir: options.logDir,
      accounts,
      simulatorUrl: (carrier) => simulators.baseUrl(carrier),
      redisUrl: redis.url,
      namespace: `soak-${options.runId}`,
    });
    const ports = await Promise.all(Array.from({ length: options.instances }, () => freePort()));
    gateways = ports.map((port, index) =>
      createSoakGateway({
        index,
        port,
        configPath: env.configPath,
        env: env.shared,
        logDir: options.logDir,
        readyTimeoutMs: 90_000,
      }),
    );
    for (const gateway of gateways) await gateway.start();
    load = await forkChild<{ pid: number }>(new URL('./load/generator.ts', import.meta.url), {
      settings: {
        instances: gateways.map((g) => g.url),
        apiKey: env.apiKey,
        seed: options.seed,
        runId: options.runId,
      },
    });
    return await use({ redis, sandbox, accounts, env, gateways, load });
  } finally {
    await load?.stop().catch(() => undefined);
    await Promise.all(gateways.map((g) => g.stop().catch(() => undefined)));
    await sandbox?.stop().catch(() => undefined);
    await redis?.dispose().catch(() => undefined);
  }
}
