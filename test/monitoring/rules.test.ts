/**
 * The monitoring folder with the real tools: promtool checks and unit-tests the rules (every
 * alert fires and resolves), each alert links to a runbook that exists in the README, and the
 * Grafana dashboard passes a schema of Grafana's dashboard model and selects by carrier and account.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GrafanaDashboard } from './support/grafana-schema.ts';
import { promtool, requirePrometheusTools } from './support/live-gateway.ts';
import { rulesOf } from './support/promql.ts';

const ROOT = new URL('../../', import.meta.url);
const file = (path: string) => new URL(path, ROOT).pathname;
const read = (path: string) => readFile(file(path), 'utf8');
const RECORDING = 'monitoring/prometheus/recording-rules.yml';
const ALERTS = 'monitoring/prometheus/alert-rules.yml';
const TESTS = 'monitoring/prometheus/tests/alert-rules.test.yml';
const DASHBOARD = 'monitoring/grafana/carrier-gateway.json';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const tools = requirePrometheusTools();

describe.runIf(tools)('Prometheus rules', () => {
  it('pass promtool check rules', () => {
    const check = promtool(['check', 'rules', file(RECORDING), file(ALERTS)]);
    expect(check.output).toContain('SUCCESS');
    expect(check.status, check.output).toBe(0);
  });

  it('pass promtool test rules', () => {
    const run = promtool(['test', 'rules', file(TESTS)]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('SUCCESS');
  });

  it('have a unit test that fires and one that resolves every alert', async () => {
    const { alerts } = rulesOf(await read(ALERTS));
    const tests = await read(TESTS);
    expect(alerts.length).toBe(10);
    for (const alert of alerts) {
      const blocks = tests.split(/\n\s*- eval_time: /).filter((b) => b.includes(`alertname: ${alert}\n`));
      expect(
        blocks.some((b) => b.includes('exp_labels:')),
        `${alert} fires`,
      ).toBe(true);
      expect(
        blocks.some((b) => b.includes('exp_alerts: []')),
        `${alert} resolves`,
      ).toBe(true);
    }
  });

  it('link every alert to a runbook in the README, with a severity', async () => {
    const rules = await read(ALERTS);
    const readme = await read('README.md');
    const anchors = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1] as string)));
    const blocks = rules.split(/\n {6}- alert: /).slice(1);
    expect(blocks.length).toBe(rulesOf(rules).alerts.length);
    for (const block of blocks) {
      const name = block.split('\n')[0];
      expect(block, name).toMatch(/severity: (warning|critical)\n/);
      const link = /runbook_url: README\.md#(\S+)/.exec(block)?.[1];
      expect(link, `${name} has a runbook_url`).toBeDefined();
      expect(anchors.has(link ?? ''), `README has the heading of #${link}`).toBe(true);
    }
  });
});

describe('the Grafana dashboard', () => {
  it('is a valid dashboard model', async () => {
    const parsed = GrafanaDashboard.safeParse(JSON.parse(await read(DASHBOARD)));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it("selects by carrier and account, and shows the issue's panels", async () => {
    const d = GrafanaDashboard.parse(JSON.parse(await read(DASHBOARD)));
    expect(d.templating.list.map((v) => v.name)).toEqual(['datasource', 'carrier', 'account']);
    const titles = d.panels.map((p) => p.title);
    for (const title of [
      'Token success rate',
      'Refresh latency p50 / p95',
      '401s on tokens believed valid',
      'Failovers',
      'Breaker state',
      'Health score',
    ])
      expect(titles).toContain(title);
    for (const panel of d.panels)
      for (const target of panel.targets) expect(target.expr, panel.title).toMatch(/\$carrier/);
  });

  it('rejects a broken dashboard (the schema can fail)', async () => {
    const d = JSON.parse(await read(DASHBOARD)) as { panels: { gridPos: { w: number } }[] };
    const first = d.panels[0];
    if (first) first.gridPos.w = 30;
    expect(GrafanaDashboard.safeParse(d).success).toBe(false);
  });
});
