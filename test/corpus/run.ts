/**
 * Replays one corpus entry: loads its recorded answers into the replay server, builds a real
 * account whose every host is that server, and drives the carrier's adapter through the
 * gateway's real upstream path (credential broker, upstream client, HTTP).
 */
import { createCredentialBroker } from '../../src/auth/broker.ts';
import type {
  CarrierDefinition,
  CarrierLabelRequest,
  ServiceDefinition,
} from '../../src/carrier/definition.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import type { Address, RateRequest } from '../../src/domain/shipment.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';
import { createUpstreamClient } from '../../src/upstream/client.ts';
import type { LoadedEntry } from './load.ts';
import type { ReplayServer, SeenRequest } from './replay-server.ts';
import type { CallContext } from './schema.ts';

export const HARNESS_TOKEN = 'corpus-harness-access-token';

/** Plausible values for the non-secret settings carriers require; an entry may override them. */
const DEFAULT_SETTINGS: Readonly<Record<string, string>> = {
  accountNumber: '123456789',
  ekp: '3333333333',
  crid: '56982563',
  mid: '904128936',
};

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface Replayed {
  outcome: Outcome;
  seen: readonly SeenRequest[];
}

/** Token endpoint paths of the carrier's default auth method (none for key, basic or body auth). */
export function tokenPaths(carrier: CarrierDefinition): string[] {
  const method = carrier.auth.methods[carrier.auth.default];
  if (!method || !('tokenPath' in method)) return [];
  const paths = [method.tokenPath];
  if ('refreshPath' in method && method.refreshPath) paths.push(method.refreshPath);
  return paths;
}

function account(carrier: CarrierDefinition, baseUrl: string, ctx: CallContext): ResolvedAccount {
  const fields = carrier.auth.credentialFields[carrier.auth.default] ?? [];
  const settings: Record<string, string> = {};
  for (const key of carrier.requiredSettings) settings[key] = DEFAULT_SETTINGS[key] ?? `corpus-${key}`;
  return {
    carrier: carrier.id,
    id: 'corpus',
    environment: 'sandbox',
    authMethod: carrier.auth.default,
    secrets: Object.fromEntries(fields.map((f) => [f, `corpus-${f}`])),
    settings: { ...settings, ...ctx.settings },
    labels: {},
    baseUrls: Object.fromEntries(Object.keys(carrier.hosts).map((host) => [host, baseUrl])),
  };
}

function address(place: CallContext['from'], name: string): Address {
  return {
    name,
    lines: ['1 Corpus Street'],
    city: place.city ?? 'City',
    ...(place.postalCode ? { postalCode: place.postalCode } : {}),
    ...(place.state && /^[A-Z0-9]{1,3}$/.test(place.state) ? { stateCode: place.state } : {}),
    countryCode: place.country,
    phone: '5555555555',
    email: 'corpus@example.com',
  };
}

/** The service asked for: the carrier's own definition when it knows the code, else the bare code. */
function serviceOf(carrier: CarrierDefinition, code: string): ServiceDefinition {
  return (
    carrier.services.find((s) => s.code === code) ?? { code, name: code, level: 'standard', scope: 'both' }
  );
}

async function call(carrier: CarrierDefinition, entry: LoadedEntry, server: ReplayServer): Promise<unknown> {
  const req = entry.entry.request;
  const broker = createCredentialBroker({ store: createMemoryTokenStore(), profileOf: () => carrier.auth });
  const upstream = createUpstreamClient({ broker });
  const ctx = upstream.context(carrier, account(carrier, server.url, req));
  const shipper = address(req.from, 'Corpus Shipper');
  const recipient = address(req.to, 'Corpus Recipient');
  switch (entry.entry.call) {
    case 'rate': {
      const rateRequest: RateRequest = {
        shipper,
        recipient,
        parcels: req.parcels,
        ...(req.services ? { services: req.services } : {}),
      };
      return carrier.rate(ctx, rateRequest);
    }
    case 'label': {
      const labelRequest: CarrierLabelRequest = {
        service: serviceOf(carrier, req.service ?? carrier.services[0]?.code ?? ''),
        shipper,
        recipient,
        parcels: req.parcels,
        format: req.format ?? carrier.labelFormats[0] ?? 'PDF',
        reference: 'corpus',
        ...(req.declaredValue ? { options: { insuredValue: req.declaredValue } } : {}),
      };
      return carrier.createLabel(ctx, labelRequest);
    }
    case 'track':
      return carrier.track(ctx, req.trackingNumber ?? '');
  }
}

export async function replay(entry: LoadedEntry, server: ReplayServer): Promise<Replayed> {
  server.load({
    responses: [entry.response, ...entry.auxiliary],
    tokenPaths: tokenPaths(entry.carrier),
    harnessToken: HARNESS_TOKEN,
  });
  let outcome: Outcome;
  try {
    outcome = { ok: true, value: await call(entry.carrier, entry, server) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  return { outcome, seen: [...server.seen()] };
}
