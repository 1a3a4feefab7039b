/**
 * /metrics of a live gateway under traffic (Node SDK, Redis store, simulators): promtool
 * finds nothing to lint, every health signal has its series with the counts the traffic
 * made, units are name suffixes, and no label carries a tracking number, key or secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withUnitSuffixes } from '../../src/telemetry/prometheus-units.ts';
import { hasRedis } from '../support/redis.ts';
import { familiesOf, parseExposition, type Sample, sampleValue } from './support/exposition.ts';
import {
  driveTraffic,
  type MonitoredGateway,
  promtool,
  requirePrometheusTools,
  startMonitoredGateway,
  type TrafficSecrets,
} from './support/live-gateway.ts';

const tools = requirePrometheusTools();

/** Every label the gateway's metrics may carry: ids and small enums (the README's table). */
const ALLOWED_LABELS = new Set([
  'carrier',
  'carrier_account',
  'carrier_operation',
  'auth_token_outcome',
  'auth_token_reason',
  'auth_failure_class',
  'auth_credential',
  'auth_token_early',
  'gateway_breaker_kind',
  'gateway_breaker_state',
  'gateway_failover_from',
  'gateway_failover_to',
  'gateway_failover_reason',
  'gateway_probe_outcome',
  'gateway_signal_origin',
  'gateway_label_outcome',
  'gateway_label_converted_from',
  // The shared store's topology gauges: one series per Redis node (its address and port).
  'gateway_store_topology',
  'server_port',
  'http_request_method',
  'http_response_status_code',
  'http_route',
  'server_address',
  'url_scheme',
  'error_type',
  'le',
  'otel_scope_name',
]);

describe('Prometheus unit suffixes', () => {
  it('puts the unit in the name, before _total, and drops the UNIT lines', () => {
    const text = [
      '# HELP a_duration d',
      '# UNIT a_duration s',
      '# TYPE a_duration histogram',
      'a_duration_count{x="1"} 2',
      'a_duration_sum{x="1"} 0.5',
      'a_duration_bucket{x="1",le="+Inf"} 2',
      '# HELP b_total c',
      '# UNIT b_total s',
      '# TYPE b_total counter',
      'b_total 3',
      '# HELP c_calls n',
      '# UNIT c_calls {call}',
      '# TYPE c_calls gauge',
      'c_calls 1',
    ].join('\n');
    expect(withUnitSuffixes(text).split('\n')).toEqual([
      '# HELP a_duration_seconds d',
      '# TYPE a_duration_seconds histogram',
      'a_duration_seconds_count{x="1"} 2',
      'a_duration_seconds_sum{x="1"} 0.5',
      'a_duration_seconds_bucket{x="1",le="+Inf"} 2',
      '# HELP b_seconds_total c',
      '# TYPE b_seconds_total counter',
      'b_seconds_total 3',
      '# HELP c_calls n',
      '# TYPE c_calls gauge',
      'c_calls 1',
    ]);
  });
});

describe.runIf(tools && hasRedis)('/metrics of a live gateway under traffic', () => {
  let g: MonitoredGateway;
  let secrets: TrafficSecrets;
  let text: string;
  let samples: Sample[];

  beforeAll(async () => {
    g = await startMonitoredGateway();
    secrets = await driveTraffic(g);
    text = await g.scrape();
    samples = parseExposition(text);
  }, 90_000);
  afterAll(async () => {
    await g?.close();
  });

  it('passes promtool check metrics', () => {
    const lint = promtool(['check', 'metrics'], text);
    expect(lint.output).toBe('');
    expect(lint.status).toBe(0);
  });

  it('names units as suffixes', () => {
    const families = familiesOf(text);
    for (const name of [
      'http_server_request_duration_seconds',
      'http_client_request_duration_seconds',
      'gateway_auth_token_refresh_duration_seconds',
      'gateway_probe_duration_seconds',
    ])
      expect(families.get(name), name).toBe('histogram');
    expect(families.get('gateway_auth_token_time_to_expiry_seconds')).toBe('gauge');
    expect(text).not.toMatch(/^# UNIT/m);
  });

  it('counts each health signal where it happened', () => {
    const v = (name: string, match: Record<string, string>) => sampleValue(samples, name, match);
    const fedex = { carrier: 'fedex', carrier_account: 'fedex-sandbox' };
    const ups = { carrier: 'ups', carrier_account: 'ups-sandbox' };
    const usps = { carrier: 'usps', carrier_account: 'default' };
    expect(v('gateway_auth_unauthorized_total', { ...fedex, carrier_operation: 'rate' })).toBe(1);
    expect(v('gateway_auth_token_replacements_total', { ...fedex, auth_token_early: 'true' })).toBe(1);
    expect(
      v('gateway_auth_scope_failures_total', {
        carrier: 'fedex',
        carrier_account: 'fedex-sandbox-2',
        gateway_signal_origin: 'token',
      }),
    ).toBe(1);
    expect(v('gateway_throttled_total', { ...ups, gateway_signal_origin: 'api' })).toBe(1);
    expect(v('gateway_idempotency_replays_total', { carrier: 'ups' })).toBe(1);
    expect(v('gateway_label_outcomes_total', { ...ups, gateway_label_outcome: 'bought' })).toBe(1);
    expect(v('gateway_label_outcomes_total', { ...fedex, gateway_label_outcome: 'bought' })).toBe(1);
    expect(v('gateway_label_outcomes_total', { ...usps, gateway_label_outcome: 'refused' })).toBe(1);
    for (const state of ['open', 'closed'])
      expect(
        v('gateway_breaker_transitions_total', {
          ...ups,
          gateway_breaker_kind: 'auth',
          gateway_breaker_state: state,
        }),
      ).toBe(1);
    // The throttled rate went to fedex; so did the label while ups's auth breaker was forced open.
    const failover = { gateway_failover_from: 'ups', gateway_failover_to: 'fedex' };
    expect(v('gateway_failovers_total', { ...failover, gateway_failover_reason: 'throttled' })).toBe(1);
    expect(v('gateway_failovers_total', { ...failover, gateway_failover_reason: 'unavailable' })).toBe(1);
    expect(v('gateway_probe_duration_seconds_count', { ...ups, gateway_probe_outcome: 'pass' })).toBe(1);
    expect(
      v('gateway_probe_duration_seconds_count', {
        carrier: 'fedex',
        carrier_account: 'fedex-sandbox-2',
        gateway_probe_outcome: 'fail',
      }),
    ).toBe(1);
    expect(v('gateway_shared_store_reachable', {})).toBe(1);
  });

  it('reads quota, score and breaker state from the gateway', () => {
    const usps = { carrier: 'usps', carrier_account: 'default' };
    const limit = sampleValue(samples, 'gateway_auth_token_quota_limit', usps);
    expect(limit).toBe(60);
    const sent = samples
      .filter(
        (s) =>
          s.name === 'gateway_auth_token_requests_total' &&
          s.labels.carrier === 'usps' &&
          s.labels.carrier_account === 'default' &&
          s.labels.auth_token_reason !== 'quota',
      )
      .reduce((n, s) => n + s.value, 0);
    expect(sent).toBeGreaterThan(0);
    expect(sampleValue(samples, 'gateway_auth_token_quota_remaining', usps)).toBe(60 - sent);
    // The probe of fedex-sandbox-2 failed as misconfigured: that account is failing.
    const failing = sampleValue(samples, 'gateway_health_score', {
      carrier: 'fedex',
      carrier_account: 'fedex-sandbox-2',
    });
    expect(failing).toBeLessThan(50);
    const healthy = sampleValue(samples, 'gateway_health_score', {
      carrier: 'usps',
      carrier_account: 'default',
    });
    expect(healthy).toBeGreaterThan(failing ?? 100);
    // No evidence, no score: an account never used has no series.
    expect(
      sampleValue(samples, 'gateway_health_score', { carrier: 'usps', carrier_account: 'no-crid' }),
    ).toBe(undefined);
    expect(
      sampleValue(samples, 'gateway_breaker_state', {
        carrier: 'ups',
        carrier_account: 'ups-sandbox',
        gateway_breaker_kind: 'auth',
      }),
    ).toBe(0);
  });

  it('keeps labels to ids and small enums: no tracking number, key or secret', () => {
    expect(secrets.trackingNumbers.length).toBeGreaterThan(0);
    const forbidden = [
      ...secrets.trackingNumbers,
      ...secrets.idempotencyKeys,
      g.apiKey,
      g.adminKey,
      ...g.accounts.flatMap((a) => Object.values(a.secrets)),
    ].filter((s) => s.length >= 6);
    const names = new Set(
      samples.filter((s) => s.name !== 'target_info').flatMap((s) => Object.keys(s.labels)),
    );
    expect([...names].filter((n) => !ALLOWED_LABELS.has(n))).toEqual([]);
    for (const secret of forbidden) expect(text.includes(secret), 'a secret or id in /metrics').toBe(false);
  });
});
