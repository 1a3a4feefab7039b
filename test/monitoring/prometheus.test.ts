/**
 * A real Prometheus scraping a running gateway every second, with the repository's rules
 * loaded: it answers queries on the recording rules, an alert fires when a breaker is forced
 * open, and every metric name the rules and the Grafana dashboard use exists in /metrics.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_BODY } from '../health/support/harness.ts';
import { hasRedis } from '../support/redis.ts';
import { familiesOf } from './support/exposition.ts';
import {
  driveTraffic,
  type MonitoredGateway,
  requirePrometheusTools,
  startMonitoredGateway,
} from './support/live-gateway.ts';
import { type PrometheusServer, startPrometheus } from './support/prometheus-server.ts';
import { familyOf, metricNamesIn, rulesOf } from './support/promql.ts';

const ROOT = new URL('../../', import.meta.url);
const file = (path: string) => new URL(path, ROOT).pathname;
const RECORDING = file('monitoring/prometheus/recording-rules.yml');
const ALERTS = file('monitoring/prometheus/alert-rules.yml');
const DASHBOARD = file('monitoring/grafana/carrier-gateway.json');

const tools = requirePrometheusTools();
const WAIT_MS = 60_000;

/** Polls `read` until `done` holds (Prometheus scrapes and evaluates every second). */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.runIf(tools && hasRedis)('a real Prometheus scraping the gateway', () => {
  let g: MonitoredGateway;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    g = await startMonitoredGateway();
    await driveTraffic(g);
    prometheus = await startPrometheus({
      target: new URL(g.url).host,
      ruleFiles: [RECORDING, ALERTS],
    });
  }, 120_000);
  afterAll(async () => {
    await prometheus?.stop();
    await g?.close();
  });

  it('scrapes the gateway and answers a query on a recording rule', async () => {
    await until(
      () => prometheus.query('up{job="carrier-gateway"}'),
      (r) => r[0]?.value[1] === '1',
      'the gateway scraped',
    );
    // More token calls while Prometheus watches, so the 5-minute rate has two samples to differ.
    const ratio = await until(
      async () => {
        await g.admin('POST', '/admin/credentials/usps/default/revoke', { carrierRevoke: false });
        await g.request('POST', '/v1/rates', RATE_BODY(['usps']));
        return prometheus.query('carrier_gateway:token_success:ratio_rate5m{carrier="usps"}');
      },
      (r) => r.some((s) => s.metric.carrier_account === 'default'),
      'the token success ratio of usps/default',
    );
    const usps = ratio.find((s) => s.metric.carrier_account === 'default');
    expect(Number(usps?.value[1])).toBe(1);
    const breakers = await prometheus.query('carrier_gateway:breaker_state:max{carrier="ups"}');
    expect(breakers.length).toBe(6); // 3 accounts x 2 kinds
    expect(breakers.every((b) => b.value[1] === '0')).toBe(true);
  });

  it('fires an alert when a breaker is forced open, and resolves it when closed', async () => {
    const firing = (rows: { metric: Record<string, string> }[]) =>
      rows.some((r) => r.metric.carrier === 'fedex' && r.metric.carrier_account === 'fedex-sandbox');
    const alerts = 'ALERTS{alertname="GatewayAuthBreakerOpen",alertstate="firing"}';
    expect(firing(await prometheus.query(alerts))).toBe(false);
    await g.admin('POST', '/admin/breakers/fedex/fedex-sandbox', { kind: 'auth', state: 'open' });
    const fired = await until(() => prometheus.query(alerts), firing, 'GatewayAuthBreakerOpen firing');
    expect(fired.find((r) => r.metric.carrier === 'fedex')?.metric.severity).toBe('critical');
    await g.admin('POST', '/admin/breakers/fedex/fedex-sandbox', { kind: 'auth', state: 'closed' });
    await until(
      () => prometheus.query(alerts),
      (r) => !firing(r),
      'GatewayAuthBreakerOpen resolved',
    );
  });

  it('finds every metric the rules and the dashboard use in /metrics', async () => {
    const families = new Set(familiesOf(await g.scrape()).keys());
    const recording = rulesOf(await readFile(RECORDING, 'utf8'));
    const alerting = rulesOf(await readFile(ALERTS, 'utf8'));
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
    };
    const exprs = [
      ...recording.exprs,
      ...alerting.exprs,
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ];
    const used = new Set(exprs.flatMap(metricNamesIn));
    expect(used.size).toBeGreaterThan(15);
    const records = new Set(recording.records);
    const missing = [...used].filter((name) =>
      name.includes(':') ? !records.has(name) : familyOf(name, families) === undefined,
    );
    expect(missing).toEqual([]);
    // And the ones Prometheus evaluated do return data for this gateway.
    for (const record of ['carrier_gateway:health_score:min', 'carrier_gateway:token_quota_remaining:ratio'])
      expect((await prometheus.query(record)).length, record).toBeGreaterThan(0);
  });
});
