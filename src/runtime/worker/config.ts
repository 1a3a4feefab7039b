/**
 * Configuration on Workers: the same loader as on Node, fed from bindings. GATEWAY_CONFIG
 * holds the configuration's JSON itself (there is no file system), secrets are Worker
 * secrets named by the `{ "env": "NAME" }` references, GATEWAY_API_KEYS is a secret.
 */
import { carriers as registry } from '../../../carriers/index.ts';
import type { CarrierDefinition } from '../../carrier/definition.ts';
import { ConfigError } from '../../config/config-error.ts';
import { type LoadedConfig, loadConfig } from '../../config/load.ts';
import { stringBindings } from './env.ts';

/** The name loadConfig sees as the "file": only this reader knows it. */
const CONFIG_SOURCE = 'GATEWAY_CONFIG';

function configText(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  return typeof raw === 'string' ? raw : JSON.stringify(raw);
}

export async function loadWorkerConfig(
  env: Record<string, unknown>,
  carriers: readonly CarrierDefinition[] = registry,
): Promise<LoadedConfig> {
  const text = configText(env.GATEWAY_CONFIG);
  const vars = stringBindings(env);
  delete vars.GATEWAY_CONFIG;
  const loaded = await loadConfig({
    env: text === undefined ? vars : { ...vars, GATEWAY_CONFIG: CONFIG_SOURCE },
    registry: carriers,
    // Never the host file system (Workers have none): the "file" is the binding.
    readFile: async () => text ?? '{}',
  });
  if (loaded.sandbox) {
    throw new ConfigError(
      [
        {
          key: CONFIG_SOURCE,
          message:
            'configure at least one carrier: sandbox mode needs the carrier simulators, which run on Node (npm start)',
        },
      ],
      'Worker',
    );
  }
  return loaded;
}
