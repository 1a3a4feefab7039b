/**
 * No secret leaves through telemetry. The chaos scenarios run with telemetry on (spans through
 * the production redacting processor into memory, metrics collected, every log line kept):
 * every token fault kind, a use-time 401, revocation, the PKCE connect flow and a label
 * failover through the whole gateway; an auth breaker opening, half-opening and closing; and,
 * at the broker, a hanging token endpoint, a revoked rotating grant and a carrier that echoes
 * the client secret in its error. Then every exported span (name, attributes, events,
 * status), metric label and log line is searched for every known secret value: client
 * secrets, refresh tokens from configuration, every access and refresh token the simulators
 * issued, authorization codes, PKCE verifiers, connect states and the API key.
 */
import { type Span, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimContext } from '../../sandbox/kit/types.ts';
import { TOKEN_FAULT_KINDS } from '../../sandbox/kit/types.ts';
import { createCredentialBroker } from '../../src/auth/broker.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { createEventBus } from '../../src/events/bus.ts';
import { createLogger } from '../../src/log/logger.ts';
import { DEFAULT_POLICY } from '../../src/resilience/settings.ts';
import { createNodeUpstreamTransport } from '../../src/runtime/node/upstream-transport.ts';
import { createMemoryTokenStore, type MemoryTokenStore } from '../../src/store/memory.ts';
import { subscribeAuthTelemetry } from '../../src/telemetry/auth-telemetry.ts';
import { tracer } from '../../src/telemetry/instruments.ts';
import { tracedTransport } from '../../src/telemetry/token-refresh.ts';
import { connectAccount } from '../auth/support/connect-helpers.ts';
import { genericProfile } from '../auth/support/generic-profile.ts';
import { accountOf, CARRIER, fakeClock, startGenericSandbox } from '../auth/support/harness.ts';
import { shapedProfile, startShapedServer } from '../auth/support/shaped-server.ts';
import { ADDRESSES, type GatewayHarness, startGatewayHarness } from '../support/gateway-harness.ts';
import { eventually, installTestTelemetry, type TestTelemetry } from './support/otel.ts';

// Every token fault kind but `hang`, which is covered at broker level (through the gateway it
// would wait out the full token timeout).
const TOKEN_FAULTS = TOKEN_FAULT_KINDS.filter((kind) => kind !== 'hang');

const PARCEL = {
  weight: { value: 1.2, unit: 'kg' },
  dimensions: { length: 30, width: 20, height: 10, unit: 'cm' },
};
const RATE = {
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [PARCEL],
  carriers: ['ups'],
};
const AMPLE_BUDGET = { ratio: 1, minPerWindow: 10_000, windowMs: 60_000 };
const NOT_SECRET = /^(clientId|username|accountNumber|customerNumber|ekp)$/i;

let otel: TestTelemetry;
const known = new Set<string>();
const logLines: string[] = [];
const logger = createLogger({ level: 'debug', write: (line) => logLines.push(line) });

const remember = (value: string | undefined) => {
  if (value !== undefined && value !== '') known.add(value);
};

/** Records every token, code and verifier a simulator hands out or receives (behaviour unchanged). */
function recordSecretsOf(sim: SimContext): void {
  const tokens = sim.tokens;
  const issue = tokens.issue.bind(tokens);
  tokens.issue = (account, options) => {
    const issued = issue(account, options);
    remember(issued.accessToken);
    remember(issued.refreshToken);
    return issued;
  };
  const refresh = tokens.refresh.bind(tokens);
  tokens.refresh = (refreshToken, options) => {
    remember(refreshToken);
    const result = refresh(refreshToken, options);
    if (result.ok) {
      remember(result.token.accessToken);
      remember(result.token.refreshToken);
    }
    return result;
  };
  const createCode = tokens.createCode.bind(tokens);
  tokens.createCode = (account, options) => {
    const code = createCode(account, options);
    remember(code);
    return code;
  };
  const redeemCode = tokens.redeemCode.bind(tokens);
  tokens.redeemCode = (input) => {
    remember(input.code);
    remember(input.codeVerifier);
    return redeemCode(input);
  };
}

function rememberSecretsOf(secrets: Readonly<Record<string, string>>): void {
  for (const [field, value] of Object.entries(secrets)) if (!NOT_SECRET.test(field)) remember(value);
}

async function rememberStored(h: GatewayHarness): Promise<void> {
  const store = h.composed.store as MemoryTokenStore;
  for (const key of store.keys()) {
    const stored = await store.get(key);
    remember(stored?.value.accessToken);
    remember(stored?.value.refreshToken);
  }
}

async function startRecordedGateway(
  options: Parameters<typeof startGatewayHarness>[0],
): Promise<GatewayHarness> {
  const h = await startGatewayHarness({ ...options, logger, budget: AMPLE_BUDGET });
  remember(h.apiKey);
  for (const carrier of options?.carriers ?? []) {
    recordSecretsOf(h.sandbox.context(carrier));
    for (const account of h.sandbox.accounts(carrier)) rememberSecretsOf(account.secrets);
  }
  return h;
}

/** Everything telemetry exported, as text. */
async function exported(): Promise<string> {
  const spans = otel.spans().map((s) =>
    JSON.stringify({
      name: s.name,
      attributes: s.attributes,
      events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
      status: s.status,
      links: s.links.map((l) => l.attributes),
    }),
  );
  const points = (await otel.points()).map((p) => JSON.stringify({ name: p.name, attributes: p.attributes }));
  return [...spans, ...points, ...logLines].join('\n');
}

beforeAll(() => {
  otel = installTestTelemetry();
});
afterAll(() => otel?.shutdown());

describe('the gateway under auth chaos', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startRecordedGateway({
      carriers: ['ups', 'fedex'],
      fallbacks: { ups: ['fedex'] },
      // The breaker stays out of the way: every fault must reach the token endpoint.
      policy: {
        breaker: {
          auth: { ...DEFAULT_POLICY.breaker.auth, volumeThreshold: 10_000 },
          api: DEFAULT_POLICY.breaker.api,
        },
      },
      // UPS's connected account uses the authorization-code flow: its refresh tokens rotate.
      accounts: (carrier, accounts) =>
        accounts.map((a) =>
          carrier === 'ups' && a.id === 'ups-connected'
            ? { ...a, authMethod: 'authorization_code' as const }
            : a,
        ),
    });
  });
  afterAll(() => h?.close());

  const label = (extra: Record<string, unknown>) =>
    h.request(
      'POST',
      '/v1/labels',
      {
        carrier: 'ups',
        serviceLevel: 'ground',
        format: 'ZPL',
        shipper: ADDRESSES.atlanta,
        recipient: ADDRESSES.newYork,
        parcels: [PARCEL],
        ...extra,
      },
      { 'idempotency-key': crypto.randomUUID() },
    );

  it('every token fault kind, use-time 401s, the PKCE connect flow and a label failover', async () => {
    expect((await h.request('POST', '/v1/rates', RATE)).status).toBe(200);
    const [ups] = h.composed.gateway.core.directory.accounts('ups');
    for (const kind of TOKEN_FAULTS) {
      // Each fault kind is its own scenario: a run of non-healing ones would rightly open the breaker.
      h.composed.gateway.board.for('ups', ups!.id).auth.forceClose();
      await h.composed.broker.invalidate();
      await h.control.injectFault({
        carrier: 'ups',
        target: 'token',
        kind,
        count: 1,
        ...(kind === 'slow' ? { params: { delayMs: 50 } } : {}),
      });
      const res = await h.request('POST', '/v1/rates', RATE);
      expect(res.status, `${kind}: ${JSON.stringify(res.body)}`).toBe(200);
      await rememberStored(h);
    }
    await h.control.clearFaults();

    // Use-time 401: the carrier refuses a token the gateway believes valid.
    await h.composed.broker.invalidate();
    expect((await h.request('POST', '/v1/rates', RATE)).status).toBe(200);
    await h.control.injectFault({ carrier: 'ups', target: 'api', kind: 'unauthorized', count: 1 });
    expect((await h.request('POST', '/v1/rates', RATE)).status).toBe(200);

    // The PKCE connect flow, hop by hop (the callback is sent to this gateway's real address).
    const start = await fetch(`${h.url}/v1/connect/ups/ups-connected/authorize`, {
      headers: { authorization: `Bearer ${h.apiKey}` },
      redirect: 'manual',
    });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location') ?? '');
    remember(authorize.searchParams.get('state') ?? undefined);
    remember(authorize.searchParams.get('code_challenge') ?? undefined);
    const approved = await fetch(authorize, { redirect: 'manual' });
    const callback = new URL(approved.headers.get('location') ?? '');
    remember(callback.searchParams.get('code') ?? undefined);
    const connected = await fetch(`${h.url}${callback.pathname}${callback.search}`);
    expect(connected.status, await connected.clone().text()).toBe(200);
    await rememberStored(h);

    // The connected account buys a label, then a use-time 401 forces a rotating refresh.
    expect((await label({ account: 'ups-connected', failover: 'never' })).status).toBe(201);
    await h.control.injectFault({ carrier: 'ups', target: 'api', kind: 'unauthorized', count: 1 });
    expect((await label({ account: 'ups-connected', failover: 'never' })).status).toBe(201);
    await rememberStored(h);

    // A label that fails over after UPS's token endpoint refuses the client.
    await h.composed.broker.invalidate();
    await h.control.injectFault({ carrier: 'ups', target: 'token', kind: 'invalid_client' });
    const failedOver = await label({});
    expect(failedOver.status, JSON.stringify(failedOver.body)).toBe(201);
    await h.control.clearFaults();
    await rememberStored(h);
  });
});

describe('an auth breaker opening, half-opening and closing', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startRecordedGateway({
      carriers: ['ups', 'fedex'],
      fallbacks: { ups: ['fedex'] },
      policy: {
        breaker: {
          auth: {
            errorThresholdPercentage: 50,
            volumeThreshold: 2,
            rollingWindowMs: 10_000,
            resetTimeoutMs: 300,
          },
          api: DEFAULT_POLICY.breaker.api,
        },
      },
    });
  });
  afterAll(() => h?.close());

  it('runs with telemetry on', async () => {
    const states: string[] = [];
    h.composed.events.on('breaker.changed', (c) => {
      if (c.carrier === 'ups' && c.kind === 'auth') states.push(c.state);
    });
    await h.control.injectFault({ carrier: 'ups', target: 'token', kind: 'invalid_client' });
    for (let i = 0; i < 5 && !states.includes('open'); i++) await h.request('POST', '/v1/rates', RATE);
    expect(states).toContain('open');
    await h.control.clearFaults();
    await eventually(
      () => states,
      (s) => s.includes('half_open'),
    );
    await h.composed.broker.invalidate();
    expect((await h.request('POST', '/v1/rates', RATE)).status).toBe(200);
    expect(states.at(-1)).toBe('closed');
    await rememberStored(h);
  });
});

describe('the broker on its own', () => {
  it('a hanging token endpoint, a revoked rotating grant and a carrier echoing the secret', async () => {
    const sandbox = await startGenericSandbox();
    const shaped = await startShapedServer();
    // The Node runtime's own token transport: undici pools, traced.
    const pools = createNodeUpstreamTransport();
    try {
      recordSecretsOf(sandbox.context(CARRIER));
      for (const account of sandbox.accounts(CARRIER)) rememberSecretsOf(account.secrets);
      await sandbox.control.setMode({ carrier: CARRIER, strictRotation: true });
      const clock = fakeClock();
      const events = createEventBus();
      subscribeAuthTelemetry(events);
      const brokerWith = (profile: ReturnType<typeof genericProfile>) =>
        createCredentialBroker({
          store: createMemoryTokenStore(),
          profileOf: () => profile,
          transport: tracedTransport(pools.transportFor(3_000)),
          events,
          logger,
          now: clock.now,
          tokenCallTimeoutMs: 300,
        });
      const broker = brokerWith(genericProfile());
      const inSpan = (work: () => Promise<unknown>) =>
        tracer().startActiveSpan('auth.credential', async (span: Span) => {
          try {
            await work();
          } catch {
            // Failures are the point; what matters is what telemetry kept of them.
          } finally {
            span.end();
          }
        });

      await sandbox.control.injectFault({ carrier: CARRIER, target: 'token', kind: 'hang', count: 1 });
      await inSpan(() => broker.credential(accountOf(sandbox, { id: 'hang' }), 'primary'));

      const authCode = accountOf(sandbox, { authMethod: 'authorization_code' });
      const seeded = await connectAccount(sandbox, broker, authCode);
      remember(seeded.accessToken);
      remember(seeded.refreshToken);
      await sandbox.control.revoke({ carrier: CARRIER });
      clock.advance(2 * 3_600_000);
      await inSpan(() => broker.credential(authCode, 'primary'));

      const echo: ResolvedAccount = {
        carrier: 'shaped',
        id: 'echo',
        environment: 'sandbox',
        authMethod: 'client_credentials',
        secrets: { clientId: 'shaped-client', clientSecret: 'echo-secret-value-0001' },
        settings: {},
        labels: {},
        baseUrls: { default: shaped.url },
      };
      remember(echo.secrets.clientSecret);
      shaped.script({
        status: 401,
        body: {
          response: {
            errors: [{ code: 'echo-secret-value-0001', message: 'bad secret echo-secret-value-0001' }],
          },
        },
      });
      await inSpan(() => brokerWith(shapedProfile()).credential(echo, 'primary'));
      expect(trace.getActiveSpan()).toBeUndefined();
    } finally {
      await pools.close();
      await sandbox.close();
      await shaped.close();
    }
  });
});

describe('everything exported', () => {
  it('holds none of the known secret values, although the scenarios left their traces in it', async () => {
    const text = await exported();
    // The scenarios really ran with telemetry on.
    for (const expected of [
      'auth.token.refresh',
      'breaker.state_change',
      'GET /v1/connect/:carrier/:account/callback',
      'POST /v1/labels',
      'gateway.failovers',
      'circuit breaker opened',
      '"auth.failure_class":"malformed"',
      '"auth.failure_class":"misconfigured"',
      '"auth.failure_class":"throttled"',
      '"auth.failure_class":"unavailable"',
      '"auth.failure_class":"revoked"',
      '"auth.token.reason":"forced"',
    ])
      expect(text, `missing ${expected}`).toContain(expected);
    expect(known.size).toBeGreaterThan(30);
    const leaked = [...known].filter((secret) => secret.length >= 8 && text.includes(secret));
    expect(leaked.map((s) => `${s.slice(0, 3)}…(${s.length} chars)`)).toEqual([]);
  });
});
