/**
 * The Node upstream transport: undici's fetch over pooled keep-alive connections, one pool
 * per connect timeout, so a carrier's connect timeout is enforced by the socket layer and a
 * refused or slow connection is told apart from a request that was sent.
 *
 * Connections per carrier host are bounded: a burst of checkouts queues on warm keep-alive
 * sockets instead of opening one socket per request, which on a busy host overflows the
 * carrier's accept backlog and turns the burst into connect timeouts.
 */
import { Agent, fetch as undiciFetch } from 'undici';

/** Sockets one instance keeps open to one carrier host at most; further requests queue. */
export const MAX_CONNECTIONS_PER_ORIGIN = 256;

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
          keepAliveTimeout: 10_000,
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
