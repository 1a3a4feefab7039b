/**
 * The contract suite's world: every registered carrier's simulator behind the scripted proxy,
 * the whole gateway over HTTP in front of it (the API layer), and a credential broker with an
 * upstream client of its own for calling each carrier definition directly (the adapter layer).
 * Each scenario uses its own account ids, so tokens, breakers and caches never carry over.
 */
import { carriers as registry } from '../../../carriers/index.ts';
import { createCredentialBroker } from '../../../src/auth/broker.ts';
import type { CarrierContract } from '../../../src/carrier/contract.ts';
import type { CarrierContext, CarrierDefinition } from '../../../src/carrier/definition.ts';
import type { ResolvedAccount } from '../../../src/config/account.ts';
import { createNodeUpstreamTransport } from '../../../src/runtime/node/upstream-transport.ts';
import { createMemoryTokenStore } from '../../../src/store/memory.ts';
import { createUpstreamClient } from '../../../src/upstream/client.ts';
import { type GatewayHarness, startGatewayHarness } from '../../support/gateway-harness.ts';
import { type ScriptedProxy, startProxy } from './proxy.ts';

/** Scenario names: one account per scenario and layer. */
export const SCENARIOS = [
  'throttled',
  'throttled-bare',
  'html-5xx',
  'unreadable-2xx',
  'nulls',
  'unknown-service',
  'token-expired',
  'token-error-body',
  'invalid-credentials',
  'no-document',
  'timeout',
  'rate-html-5xx',
  'rate-unreadable-2xx',
  'baseline',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const apiAccount = (scenario: Scenario) => `api-${scenario}`;
export const adapterAccount = (scenario: Scenario) => `adapter-${scenario}`;

export interface ContractWorld {
  gateway: GatewayHarness;
  proxy: ScriptedProxy;
  contracts: ReadonlyMap<string, CarrierContract>;
  /** A context for the carrier definition itself (adapter layer); `timeoutMs` bounds each call. */
  context(carrier: CarrierDefinition, scenario: Scenario, options?: { timeoutMs?: number }): CarrierContext;
  /** Resolved accounts of a carrier, by id. */
  account(carrier: string, id: string): ResolvedAccount;
  close(): Promise<void>;
}

/** Loads `carriers/<id>/contract.ts` of every registered carrier: the suite names none. */
export async function loadContracts(): Promise<Map<string, CarrierContract>> {
  const contracts = new Map<string, CarrierContract>();
  for (const carrier of registry) {
    const module = (await import(`../../../carriers/${carrier.id}/contract.ts`)) as {
      contract: CarrierContract;
    };
    contracts.set(carrier.id, module.contract);
  }
  return contracts;
}

function clone(account: ResolvedAccount, id: string, proxyBase: string, secrets?: Record<string, string>) {
  const baseUrls = Object.fromEntries(Object.keys(account.baseUrls).map((host) => [host, proxyBase]));
  return { ...account, id, baseUrls, secrets: { ...account.secrets, ...(secrets ?? {}) } };
}

export async function startContractWorld(options: { timeoutMs?: number } = {}): Promise<ContractWorld> {
  const contracts = await loadContracts();
  const proxy = await startProxy();
  const resolved = new Map<string, ResolvedAccount[]>();
  const gateway = await startGatewayHarness({
    ...(options.timeoutMs
      ? { policy: { timeouts: { connectMs: 3_000, totalMs: options.timeoutMs, tokenMs: 10_000 } } }
      : {}),
    accounts: (carrierId, accounts) => {
      const first = accounts[0];
      if (!first) return accounts;
      const base = `${proxy.url}/${carrierId}`;
      const refused = contracts.get(carrierId)?.refusedSecrets ?? {};
      const list = [
        // The carrier's default account (rates use it) goes through the proxy too.
        ...accounts.map((a) => clone(a, a.id, base)),
        ...SCENARIOS.flatMap((s) => {
          const secrets = s === 'invalid-credentials' ? refused : undefined;
          return [clone(first, apiAccount(s), base, secrets), clone(first, adapterAccount(s), base, secrets)];
        }),
      ];
      resolved.set(carrierId, list);
      return list;
    },
  });
  proxy.target(gateway.sandbox.url);

  const byId = new Map(registry.map((c) => [c.id, c]));
  const broker = createCredentialBroker({
    store: createMemoryTokenStore(),
    profileOf: (carrier) => (byId.get(carrier) as CarrierDefinition).auth,
  });
  // The production Node transport: the carriers' answers and faults cross undici pools as in the gateway.
  const transport = createNodeUpstreamTransport();
  const clients = new Map<number, ReturnType<typeof createUpstreamClient>>();
  const clientFor = (timeoutMs: number) => {
    let client = clients.get(timeoutMs);
    if (!client) {
      client = createUpstreamClient({
        broker,
        transport: transport.transportFor(3_000),
        timeoutsFor: () => ({ totalMs: timeoutMs }),
      });
      clients.set(timeoutMs, client);
    }
    return client;
  };
  const account = (carrier: string, id: string): ResolvedAccount => {
    const found = resolved.get(carrier)?.find((a) => a.id === id);
    if (!found) throw new Error(`no account ${id} for ${carrier}`);
    return found;
  };

  return {
    gateway,
    proxy,
    contracts,
    account,
    context: (carrier, scenario, o = {}) =>
      clientFor(o.timeoutMs ?? 15_000).context(carrier, account(carrier.id, adapterAccount(scenario))),
    async close() {
      await transport.close();
      await gateway.close();
      await proxy.close();
    },
  };
}
