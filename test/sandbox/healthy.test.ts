/**
 * A fresh sandbox stays healthy. What `npm start` composes with no configuration (every
 * simulator, every sandbox account with the auth method its secrets are for, the connect
 * accounts, the generated keys), with probes, keep-alives and alert evaluation compressed so
 * that more than ten minutes' worth of probe rounds pass in seconds: no alert fires and every
 * probed account stays healthy. (A Colissimo API-key account probed as a contract account
 * failed with code 30000 and fired a critical config_drift alert on every fresh start.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/health/probe/types.ts';
import { requestJson } from '../support/http.ts';
import { type SandboxGateway, startSandboxGateway } from './sandbox-gateway.ts';

/** Probe rounds per account: ten minutes at the default 60 s interval, and then some. */
const ROUNDS = 12;

let gw: SandboxGateway;
beforeAll(async () => {
  gw = await startSandboxGateway({
    settings: {
      probeIntervalMs: 300,
      evaluateIntervalMs: 150,
      keepAliveIntervalMs: 1_000,
      recentLimit: 100_000,
    },
  });
});
afterAll(() => gw?.close());

const keyOf = (carrier: string, account: string) => `${carrier}/${account}`;

/** Probe results per account, once every account has had ROUNDS of them. */
async function probeRounds(): Promise<Map<string, ProbeResult[]>> {
  const wanted = gw.mode.accounts.map((a) => keyOf(a.carrier, a.id));
  const deadline = Date.now() + 150_000;
  for (;;) {
    const byAccount = new Map<string, ProbeResult[]>(wanted.map((k) => [k, []]));
    for (const result of gw.composed.health.probes())
      byAccount.get(keyOf(result.carrier, result.account))?.push(result);
    const behind = wanted.filter((k) => (byAccount.get(k)?.length ?? 0) < ROUNDS);
    if (behind.length === 0) return byAccount;
    if (Date.now() > deadline) throw new Error(`fewer than ${ROUNDS} probe rounds for ${behind.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('a fresh sandbox (npm start with no configuration)', () => {
  it('has an authorization-code account to connect for each carrier with that flow', () => {
    expect(gw.mode.connectAccounts).toEqual([
      { carrier: 'ups', account: 'pkce' },
      { carrier: 'usps', account: 'pkce' },
    ]);
    for (const { carrier, account } of gw.mode.connectAccounts)
      expect(gw.mode.accounts.find((a) => a.carrier === carrier && a.id === account)?.authMethod).toBe(
        'authorization_code',
      );
  });

  it('gives each account the auth method its secrets are for (the Colissimo API-key account is api_key)', () => {
    expect(
      gw.mode.accounts.find((a) => a.carrier === 'colissimo' && a.id === 'colissimo-apikey')?.authMethod,
    ).toBe('api_key');
  });

  it(`stays healthy through ${ROUNDS} probe rounds of every account: every probe passes, no alert`, async () => {
    const rounds = await probeRounds();
    const failed = [...rounds.values()]
      .flat()
      .filter((p) => p.outcome !== 'pass')
      .map((p) => `${keyOf(p.carrier, p.account)}: ${p.outcome} ${p.failureClass ?? ''} ${p.code ?? ''}`);
    expect(failed).toEqual([]);
    await gw.composed.health.evaluate();
    expect(gw.composed.health.alerts()).toEqual({ open: [], recent: [] });
    expect(gw.logLines.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.msg)).toEqual(
      [],
    );

    const carriers = await requestJson<{
      carriers: {
        id: string;
        accounts: { id: string; health: { state: string; probe?: { outcome: string } } }[];
      }[];
    }>(fetch, `${gw.url}/v1/carriers`, 'GET', { key: gw.apiKey });
    expect(carriers.status).toBe(200);
    const states = carriers.body.carriers.flatMap((c) =>
      c.accounts.map((a) => `${keyOf(c.id, a.id)}: ${a.health.state}, probe ${a.health.probe?.outcome}`),
    );
    expect(states.sort()).toEqual(
      gw.mode.accounts.map((a) => `${keyOf(a.carrier, a.id)}: healthy, probe pass`).sort(),
    );
  });
});
