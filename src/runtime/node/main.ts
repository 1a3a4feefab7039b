/**
 * `npm start`: the gateway on Node. With no configuration it runs in sandbox mode: it
 * starts the carrier simulators on loopback, points every carrier at them, and prints a
 * caller key and ready-to-paste requests.
 */
import { readFile } from 'node:fs/promises';
import { carriers } from '../../../carriers/index.ts';
import { printSandboxBanner } from '../../../sandbox/banner.ts';
import { SANDBOX_FALLBACKS } from '../../../sandbox/fallbacks.ts';
import { sandboxAccount } from '../../../sandbox/gateway-accounts.ts';
import { startSandbox } from '../../../sandbox/server.ts';
import { ConfigError } from '../../config/config-error.ts';
import { loadConfig } from '../../config/load.ts';
import { parseEnvFile } from '../../health/credentials/env-file.ts';
import { accountHealthConfigFrom } from '../../health/from-config.ts';
import { composeGateway } from './compose.ts';
import { startServer } from './server.ts';
import { installShutdownHandlers } from './shutdown.ts';
import { startNodeTelemetry } from './telemetry.ts';

const packageJson = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The process environment, overlaid with GATEWAY_ENV_FILE (re-read on every secret reload). */
async function environment(): Promise<Record<string, string | undefined>> {
  const file = process.env.GATEWAY_ENV_FILE?.trim();
  if (!file) return process.env;
  const text = await readFile(file, 'utf8').catch(() => {
    throw new ConfigError([{ key: 'GATEWAY_ENV_FILE', message: `${file} cannot be read` }]);
  });
  return { ...process.env, ...parseEnvFile(text) };
}

async function main(): Promise<void> {
  const loaded = await environment()
    .then((env) => loadConfig({ env, registry: carriers, readFile: (path) => readFile(path, 'utf8') }))
    .catch((error: unknown) => {
      if (error instanceof ConfigError) {
        console.error(`carrier-gateway: ${error.message}`);
        process.exit(1);
      }
      throw error;
    });
  const { config } = loaded;
  const telemetry = startNodeTelemetry({
    env: process.env,
    serviceVersion: packageJson.version,
    environment: loaded.sandbox ? 'sandbox' : 'production',
    prometheus: config.telemetry.metricsEndpoint,
  });

  const sandbox = loaded.sandbox
    ? await startSandbox({ port: Number(process.env.SANDBOX_PORT ?? 0) })
    : undefined;
  const accounts = sandbox
    ? carriers.flatMap((c) => sandbox.accounts(c.id).map((a) => sandboxAccount(c, a, sandbox.baseUrl(c.id))))
    : loaded.accounts;
  const apiKeys =
    config.apiKeys.length > 0
      ? config.apiKeys
      : sandbox
        ? [`sk_sandbox_${crypto.randomUUID().replaceAll('-', '')}`]
        : [];

  const composed = await composeGateway({
    config,
    accounts,
    apiKeys,
    ...(sandbox ? { defaultFallbacks: SANDBOX_FALLBACKS } : {}),
    // Probes, alerts and keep-alives run in the background; a reload re-reads env and file.
    health: sandbox
      ? {}
      : {
          reload: async () => {
            const again = await loadConfig({
              env: await environment(),
              registry: carriers,
              readFile: (path) => readFile(path, 'utf8'),
            });
            return { accounts: again.accounts, accountConfig: accountHealthConfigFrom(again.config) };
          },
        },
    extraRoutes: (app) => {
      const { scrape } = telemetry;
      if (scrape) {
        app.get(
          '/metrics',
          async () =>
            new Response(await scrape(), { headers: { 'content-type': 'text/plain; version=0.0.4' } }),
        );
      }
    },
  });

  const server = await startServer({
    app: composed.app,
    port: config.server.port,
    host: config.server.host,
    shutdownTimeoutMs: config.server.shutdownTimeoutMs,
    logger: composed.logger,
    onShutdown: async () => {
      await composed.close();
      await sandbox?.close();
      await telemetry.shutdown();
    },
  });
  installShutdownHandlers({ server, logger: composed.logger });

  if (sandbox)
    printSandboxBanner({ gatewayUrl: server.url, simulatorsUrl: sandbox.url, apiKey: apiKeys[0]! });
  else composed.logger.info('gateway listening', { url: server.url, carriers: Object.keys(config.carriers) });
}

await main();
