/**
 * Drives one carrier's mapping through the real request path (credential broker, upstream
 * client, HTTP) against its simulator on loopback. No part of the gateway is mocked.
 */

import { sandboxAccount } from '../../sandbox/gateway-accounts.ts';
import type { SimulatorFactory } from '../../sandbox/kit/types.ts';
import { startSandbox } from '../../sandbox/server.ts';
import { createCredentialBroker } from '../../src/auth/broker.ts';
import type { CarrierContext, CarrierDefinition } from '../../src/carrier/definition.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { createNodeUpstreamTransport } from '../../src/runtime/node/upstream-transport.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';
import { createUpstreamClient } from '../../src/upstream/client.ts';

export interface CarrierHarness {
  /** A real CarrierContext for one of the simulator's sandbox accounts (default: the first). */
  context(accountId?: string, signal?: AbortSignal): CarrierContext;
  accounts: ResolvedAccount[];
  control: Awaited<ReturnType<typeof startSandbox>>['control'];
  simulatorUrl: string;
  close(): Promise<void>;
}

export async function startCarrierHarness(
  carrier: CarrierDefinition,
  createSimulator: SimulatorFactory,
  options: { authMethod?: ResolvedAccount['authMethod'] } = {},
): Promise<CarrierHarness> {
  const sandbox = await startSandbox({ simulators: { [carrier.id]: createSimulator } });
  const simulatorUrl = sandbox.baseUrl(carrier.id);
  const accounts = sandbox.accounts(carrier.id).map((sim) => ({
    ...sandboxAccount(carrier, sim, simulatorUrl),
    ...(options.authMethod ? { authMethod: options.authMethod } : {}),
  }));
  const broker = createCredentialBroker({ store: createMemoryTokenStore(), profileOf: () => carrier.auth });
  // The production Node transport (undici pools), so every simulator's answers cross it.
  const transport = createNodeUpstreamTransport();
  const upstream = createUpstreamClient({ broker, transport: transport.transportFor(3_000) });
  return {
    accounts,
    control: sandbox.control,
    simulatorUrl,
    context(accountId, signal) {
      const account = accountId === undefined ? accounts[0] : accounts.find((a) => a.id === accountId);
      if (!account) throw new Error(`no sandbox account '${accountId}' for ${carrier.id}`);
      return upstream.context(carrier, account, signal);
    },
    close: async () => {
      await transport.close();
      await sandbox.close();
    },
  };
}
