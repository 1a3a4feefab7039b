/**
 * The request every hot-path variant sends, in both forms: the unified POST /v1/rates body
 * (to the gateway) and the carrier's own wire request with a valid bearer token (to the
 * simulator directly and through the bare proxy). The wire form is captured from the
 * gateway's own mapping, so all three variants ask the simulator exactly the same thing.
 */
import { carriers as registry } from '../../carriers/index.ts';
import { SAMPLE_RATE_REQUEST } from '../../sandbox/examples.ts';
import { sandboxAccount } from '../../sandbox/gateway-accounts.ts';
import type { SimAccount } from '../../sandbox/kit/types.ts';
import { createCredentialBroker } from '../../src/auth/broker.ts';
import { RateRequest } from '../../src/domain/shipment.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';
import { createUpstreamClient } from '../../src/upstream/client.ts';
import { transportFromFetch, type UpstreamTransport } from '../../src/upstream/transport.ts';

/** A domestic US shipment every US carrier quotes. */
export const RATE_BODY = SAMPLE_RATE_REQUEST;

export interface WireRequest {
  /** Path under the simulator's carrier base URL, e.g. /ups/api/rating/v2409/Shop. */
  path: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body: string;
}

/**
 * Runs the carrier's real rate mapping once against the simulator, through a transport that
 * records what was sent (URL, headers with the bearer token, body).
 */
export async function captureWireRequest(
  carrierId: string,
  simAccount: SimAccount,
  simulatorUrl: string,
): Promise<WireRequest> {
  const carrier = registry.find((c) => c.id === carrierId);
  if (!carrier) throw new Error(`unknown carrier ${carrierId}`);
  const account = sandboxAccount(carrier, simAccount, `${simulatorUrl}/${carrierId}`);
  const broker = createCredentialBroker({ store: createMemoryTokenStore(), profileOf: () => carrier.auth });
  let captured: WireRequest | undefined;
  const send = transportFromFetch((input, init) => fetch(input, init));
  const recording: UpstreamTransport = (request) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (name !== 'accept-encoding') headers[name] = value;
    captured = {
      path: request.path.slice(new URL(simulatorUrl).pathname.replace(/\/$/, '').length),
      method: request.method as 'POST' | 'GET',
      headers,
      body: typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body),
    };
    return send(request);
  };
  const upstream = createUpstreamClient({ broker, transport: recording });
  const rates = await carrier.rate(upstream.context(carrier, account), RateRequest.parse(RATE_BODY));
  if (!captured || rates.length === 0) throw new Error(`${carrierId}: the rate call did not go through`);
  return captured;
}
