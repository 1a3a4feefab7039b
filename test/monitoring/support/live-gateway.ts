/**
 * A gateway as production runs it with Prometheus on: the Node OpenTelemetry SDK (the same
 * startNodeTelemetry as `npm start`), /metrics served by the composition, the Redis shared
 * store (so the store gauge exists), and the simulators. `driveTraffic` makes every health
 * signal happen once over real HTTP: rates, labels, a replay, a 401, a scope failure,
 * throttling, breaker transitions, a failover, probes.
 * One per test file: the SDK installs process-wide globals, and vitest gives each file its own worker.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ResolvedAccount } from '../../../src/config/account.ts';
import { startNodeTelemetry } from '../../../src/runtime/node/telemetry.ts';
import { type HealthHarness, RATE_BODY, startHealthHarness } from '../../health/support/harness.ts';
import { REDIS_URL, TEST_KEY } from '../../support/redis.ts';

export const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
export const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';

/** Whether the Prometheus tools are here; under CI their absence fails the run. */
export function requirePrometheusTools(): boolean {
  const present = existsSync(PROMTOOL) && existsSync(PROMETHEUS);
  if (present) return true;
  if (process.env.CI)
    throw new Error(
      `promtool and prometheus are required under CI but ${PROMTOOL} or ${PROMETHEUS} is missing (apt-get install -y prometheus)`,
    );
  console.warn(
    `[skip] monitoring tests skipped: no ${PROMTOOL} / ${PROMETHEUS} (apt-get install -y prometheus, or set PROMTOOL_PATH / PROMETHEUS_PATH)`,
  );
  return false;
}

export interface MonitoredGateway extends HealthHarness {
  scrape(): Promise<string>;
}

export async function startMonitoredGateway(): Promise<MonitoredGateway> {
  const telemetry = startNodeTelemetry({
    env: {},
    serviceVersion: 'test',
    environment: 'sandbox',
    prometheus: true,
  });
  const scrapeText = telemetry.scrape;
  if (scrapeText === undefined) throw new Error('the Prometheus exporter was not installed');
  const namespace = `cgmon_${crypto.randomUUID().slice(0, 8)}`;
  const h = await startHealthHarness({
    carriers: ['ups', 'fedex', 'usps'],
    metrics: scrapeText,
    config: (config) => ({
      ...config,
      store: { kind: 'redis', url: REDIS_URL, namespace, encryptionKeys: [TEST_KEY] },
      telemetry: { metricsEndpoint: true },
    }),
    // Health is passive (no timers): probes run on demand, scores are read at scrape time.
    health: { start: false },
  });
  return {
    ...h,
    async scrape() {
      const res = await fetch(`${h.url}/metrics`);
      if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
      return res.text();
    },
    async close() {
      await h.close();
      await telemetry.shutdown();
    },
  };
}

const LABEL_BODY = (carrier: string, extra: Record<string, unknown> = {}) => ({
  ...RATE_BODY([]),
  carriers: undefined,
  carrier,
  serviceLevel: 'ground',
  format: 'ZPL',
  shipper: { ...RATE_BODY([]).shipper, name: 'Shop', phone: '4045550100' },
  recipient: { ...RATE_BODY([]).recipient, name: 'Ada Shopper', phone: '2125550100' },
  ...extra,
});

async function expectStatus(what: string, answer: Promise<{ status: number }>, status: number) {
  const got = (await answer).status;
  if (got !== status) throw new Error(`${what}: expected ${status}, got ${got}`);
}

/** What the traffic produced that must never appear in a metric label. */
export interface TrafficSecrets {
  trackingNumbers: string[];
  idempotencyKeys: string[];
}

/** Makes every signal the metrics report happen at least once. */
export async function driveTraffic(h: HealthHarness): Promise<TrafficSecrets> {
  const secrets: TrafficSecrets = { trackingNumbers: [], idempotencyKeys: [] };
  const labelKey = () => {
    const key = `mon-${crypto.randomUUID()}`;
    secrets.idempotencyKeys.push(key);
    return { headers: { 'idempotency-key': key } };
  };
  const buy = async (what: string, body: unknown, options: { headers: Record<string, string> }) => {
    const answer = await h.request<{ trackingNumber: string }>('POST', '/v1/labels', body, options);
    if (answer.status !== 201) throw new Error(`${what}: expected 201, got ${answer.status}`);
    secrets.trackingNumbers.push(answer.body.trackingNumber);
  };
  const second = (carrier: string): ResolvedAccount => {
    const found = h.accounts.filter((a) => a.carrier === carrier)[1];
    if (!found) throw new Error(`no second ${carrier} account`);
    return found;
  };
  await expectStatus('rates', h.request('POST', '/v1/rates', RATE_BODY(['ups', 'fedex', 'usps'])), 200);

  // A 401 on a token believed valid: one shared forced refresh (an early replacement), one resend.
  await h.control.injectFault({ carrier: 'fedex', target: 'api', kind: 'unauthorized', count: 1 });
  await expectStatus('rates after a 401', h.request('POST', '/v1/rates', RATE_BODY(['fedex'])), 200);
  // Throttling on the API.
  await h.control.injectFault({ carrier: 'ups', target: 'api', kind: 'throttled', count: 1 });
  await h.request('POST', '/v1/rates', RATE_BODY(['ups']));
  await h.control.clearFaults();

  // A label bought, then replayed from its Idempotency-Key.
  const key = labelKey();
  await buy('label', LABEL_BODY('ups'), key);
  await buy('label replay', LABEL_BODY('ups'), key);

  // A scope failure, seen by a probe of an account with no token yet.
  const scoped = second('fedex');
  await h.control.injectFault({
    carrier: 'fedex',
    target: 'token',
    kind: 'invalid_scope',
    account: scoped.id,
  });
  await h.admin('POST', `/admin/probes/fedex/${scoped.id}`, {});
  await h.control.clearFaults();
  await expectStatus('probe', h.admin('POST', '/admin/probes/ups/ups-sandbox', {}), 200);

  // A refused label: its account's auth breaker is open and failover is off (nothing was sent).
  await h.admin('POST', '/admin/breakers/usps/default', { kind: 'auth', state: 'open' });
  await expectStatus(
    'refused label',
    h.request('POST', '/v1/labels', LABEL_BODY('usps', { failover: 'never' }), labelKey()),
    502,
  );
  await h.admin('POST', '/admin/breakers/usps/default', { kind: 'auth', state: 'closed' });

  // A breaker forced open: the label fails over to fedex; then closed again.
  await expectStatus(
    'force open',
    h.admin('POST', '/admin/breakers/ups/ups-sandbox', { kind: 'auth', state: 'open' }),
    200,
  );
  await buy('label failed over', LABEL_BODY('ups'), labelKey());
  await expectStatus(
    'force closed',
    h.admin('POST', '/admin/breakers/ups/ups-sandbox', { kind: 'auth', state: 'closed' }),
    200,
  );
  return secrets;
}

/** `promtool <args>` with `input` on stdin. */
export function promtool(args: string[], input?: string): { status: number; output: string } {
  const run = spawnSync(PROMTOOL, args, { input, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status ?? -1, output: `${run.stdout ?? ''}${run.stderr ?? ''}` };
}
