/**
 * `npm start`: the gateway on Node. With no configuration it runs in sandbox mode: the
 * carrier simulators start on loopback (loaded only then), every carrier points at them, and
 * a caller key and ready-to-paste requests are printed.
 */
import { readFile } from 'node:fs/promises';
import { carriers } from '../../../carriers/index.ts';
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

const load = async () =>
  loadConfig({ env: await environment(), registry: carriers, readFile: (path) => readFile(path, 'utf8') });

/** An invalid configuration (file, environment or what the shared store refuses) ends start-up in one line. */
function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(`carrier-gateway: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

async function main(): Promise<void> {
  const loaded = await load().catch(exitOnConfigError);
  const { config } = loaded;
  let telemetry: ReturnType<typeof startNodeTelemetry>;
  try {
    telemetry = startNodeTelemetry({
      env: process.env,
      serviceVersion: packageJson.version,
      environment: loaded.sandbox ? 'sandbox' : 'production',
      prometheus: config.telemetry.metricsEndpoint,
    });
  } catch (error) {
    exitOnConfigError(error); // an invalid OTEL_* value (sampler, protocol)
  }

  // Sandbox mode (loaded only then): simulators, accounts pointing at them, a caller and an admin key.
  const sandbox = loaded.sandbox
    ? await (await import('../../../sandbox/mode.ts')).startSandboxMode({
        port: Number(process.env.SANDBOX_PORT ?? 0),
        apiKeys: config.apiKeys,
        adminKeys: config.adminKeys,
      })
    : undefined;

  // The shared store can refuse the gateway at start-up (credentials, TLS, ACL): one line.
  const composed = await composeGateway({
    config: sandbox ? { ...config, adminKeys: sandbox.adminKeys } : config,
    accounts: sandbox ? sandbox.accounts : loaded.accounts,
    apiKeys: sandbox ? sandbox.apiKeys : config.apiKeys,
    ...(sandbox ? { defaultFallbacks: sandbox.fallbacks } : {}),
    ...(telemetry.scrape ? { metrics: telemetry.scrape } : {}),
    // Probes, alerts and keep-alives run in the background; a reload re-reads env and file.
    health: sandbox
      ? {}
      : {
          reload: async () => {
            const again = await load();
            return { accounts: again.accounts, accountConfig: accountHealthConfigFrom(again.config) };
          },
        },
  }).catch(exitOnConfigError);

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
    (await import('../../../sandbox/banner.ts')).printSandboxBanner({
      gatewayUrl: server.url,
      simulatorsUrl: sandbox.sandbox.url,
      apiKey: sandbox.generated.apiKey,
      adminKey: sandbox.generated.adminKey,
      connect: sandbox.connectAccounts[0],
    });
  else composed.logger.info('gateway listening', { url: server.url, carriers: Object.keys(config.carriers) });
}

await main();
