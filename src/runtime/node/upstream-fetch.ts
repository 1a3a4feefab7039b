/**
 * The Node fetch for the rare calls that still speak WHATWG fetch (revocations, a probe's
 * tapped token calls): undici's fetch over pooled keep-alive connections, one agent per
 * connect timeout, so a connect timeout is enforced by the socket layer and a refused or slow
 * connection is told apart from a request that was sent. Carrier API calls and token-endpoint
 * calls go through `upstream-transport.ts` instead (no WHATWG layer).
 */
import { Agent, fetch as undiciFetch } from 'undici';
import { IDLE_CONNECTION_MS, MAX_CONNECTIONS_PER_ORIGIN } from './upstream-transport.ts';

export interface NodeUpstreamFetch {
  fetchFor(connectTimeoutMs: number): typeof fetch;
  close(): Promise<void>;
}

export function createNodeUpstreamFetch(): NodeUpstreamFetch {
  const agents = new Map<number, Agent>();
  const fetchers = new Map<number, typeof fetch>();
  return {
    fetchFor(connectTimeoutMs) {
      let fetcher = fetchers.get(connectTimeoutMs);
      if (!fetcher) {
        const agent = new Agent({
          connect: { timeout: connectTimeoutMs },
          connections: MAX_CONNECTIONS_PER_ORIGIN,
          keepAliveTimeout: IDLE_CONNECTION_MS,
          keepAliveMaxTimeout: IDLE_CONNECTION_MS,
        });
        agents.set(connectTimeoutMs, agent);
        fetcher = ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
          undiciFetch(input as Parameters<typeof undiciFetch>[0], {
            ...(init as Parameters<typeof undiciFetch>[1]),
            dispatcher: agent,
          })) as unknown as typeof fetch;
        fetchers.set(connectTimeoutMs, fetcher);
      }
      return fetcher;
    },
    async close() {
      await Promise.all([...agents.values()].map((agent) => agent.close()));
      agents.clear();
      fetchers.clear();
    },
  };
}
