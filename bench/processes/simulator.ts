/**
 * Benchmark process: the carrier simulators (and optionally the generic OAuth server) on one
 * loopback port, with the control API. Its accounts go back to the parent over IPC (never
 * printed), so the gateway process can be configured with them.
 */
import { z } from '@hono/zod-openapi';
import { createGenericOAuth, GENERIC_OAUTH_ID } from '../../sandbox/generic-oauth.ts';
import type { SimAccount, SimulatorFactory } from '../../sandbox/kit/types.ts';
import { startSandbox } from '../../sandbox/server.ts';
import { serveRpc, settingsOf } from '../lib/rpc.ts';

const Settings = z.object({
  carriers: z.array(z.string()).default([]),
  genericOAuth: z.boolean().default(false),
});

export interface SimulatorReady {
  url: string;
  accounts: Record<string, SimAccount[]>;
}

const settings = settingsOf(Settings);
const simulators: Record<string, SimulatorFactory> = {};
for (const id of settings.carriers) {
  const module = (await import(`../../carriers/${id}/simulator/index.ts`)) as {
    createSimulator: SimulatorFactory;
  };
  simulators[id] = module.createSimulator;
}
if (settings.genericOAuth) simulators[GENERIC_OAUTH_ID] = createGenericOAuth;

const sandbox = await startSandbox({ simulators });
const accounts = Object.fromEntries(Object.keys(simulators).map((id) => [id, sandbox.accounts(id)]));
serveRpc({ url: sandbox.url, accounts } satisfies SimulatorReady, {}, () => sandbox.close());
