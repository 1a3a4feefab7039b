/** Starts the real API on a real Node server (127.0.0.1, port 0) over the fake gateway. */
import { type AppDeps, createApp } from '../../src/api/app.ts';
import { createLogger } from '../../src/log/logger.ts';
import { type RunningServer, startServer } from '../../src/runtime/node/server.ts';
import { FakeGateway } from '../support/fake-gateway.ts';

export const API_KEY = 'caller-key-0123456789';
export const ADMIN_KEY = 'admin-key-9876543210';

export interface Harness {
  url: string;
  gateway: FakeGateway;
  server: RunningServer;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  fetch(path: string, init?: RequestInit & { key?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

export async function startHarness(deps: Partial<AppDeps> = {}): Promise<Harness> {
  const gateway = new FakeGateway();
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line)) });
  const app = createApp({ gateway, apiKeys: [API_KEY], adminKeys: [ADMIN_KEY], logger, ...deps });
  const server = await startServer({ app, port: 0, host: '127.0.0.1', shutdownTimeoutMs: 5_000 });
  return {
    url: server.url,
    gateway,
    server,
    logs,
    fetch: (path, init = {}) => {
      const { key = API_KEY, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key !== null && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${key}`);
      return fetch(`${server.url}${path}`, { ...rest, headers });
    },
    close: () => server.close(),
  };
}

export const jsonPost = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

export const address = (countryCode = 'US') => ({
  name: 'Ada Shopper',
  lines: ['1 Main St'],
  city: 'Atlanta',
  stateCode: 'GA',
  postalCode: '30301',
  countryCode,
});

export const validRateRequest = () => ({
  shipper: address(),
  recipient: { ...address(), city: 'Boston', stateCode: 'MA', postalCode: '02101' },
  parcels: [
    { weight: { value: 2.5, unit: 'kg' }, dimensions: { length: 30, width: 20, height: 10, unit: 'cm' } },
  ],
});

export const validLabelRequest = () => ({
  carrier: 'acme',
  serviceLevel: 'ground',
  shipper: address(),
  recipient: { ...address(), city: 'Boston', stateCode: 'MA', postalCode: '02101' },
  parcels: [{ weight: { value: 1, unit: 'lb' } }],
  reference: 'ORDER-1',
});

/** Reads a problem+json answer, asserting the media type. */
export async function problemOf(res: Response): Promise<Record<string, unknown>> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) {
    throw new Error(`expected application/problem+json, got ${type} (${res.status}): ${await res.text()}`);
  }
  return (await res.json()) as Record<string, unknown>;
}
