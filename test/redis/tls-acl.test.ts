/**
 * Redis as a platform team runs it: TLS only, a client certificate required, and an ACL user
 * restricted to the gateway's key prefix with exactly the commands it needs (the user is made
 * with the very `ACL SETUSER` line the README documents, from src/store/redis-access.ts).
 * - Two gateway processes on that user work: one token call for both, label replay across
 *   instances, readiness naming the primary, every key under the prefix, no refusal logged.
 * - The real entry point (`npm start`) with a user lacking one command stops at start-up,
 *   exit 1, with one line naming the command and the ACL rule that grants it; likewise a
 *   user whose keys are elsewhere, and a client without its certificate.
 */
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator as upsSimulator } from '../../carriers/ups/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import type { Label, RateResponse } from '../../src/domain/shipment.ts';
import { aclSetUser, neededCommands } from '../../src/store/redis-access.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { hasRedis, TEST_KEY } from '../support/redis.ts';
import { clientAccount, tokenStats } from './support/accounts.ts';
import { type Fleet, sharedStoreWhenReady, startFleet } from './support/fleet.ts';
import { startTlsRedis, type TlsRedis } from './support/tls.ts';

const NAMESPACE = `cgtls-${crypto.randomUUID().slice(0, 8)}`;
const PASSWORD = `pw-${crypto.randomUUID()}`;
const SINGLE_NEEDS = { waitsForReplicas: false, selectsDatabase: false };
const ENTRY = new URL('../../src/runtime/node/main.ts', import.meta.url).pathname;

let redis: TlsRedis;
let admin: Redis;
let sandbox: Sandbox;
let fleet: Fleet;

/** Creates a user from the documented line, optionally without one command or on another prefix. */
async function createUser(name: string, options: { without?: string; namespace?: string } = {}) {
  const commands = neededCommands({ topology: 'single' }, SINGLE_NEEDS).filter((c) => c !== options.without);
  const line = aclSetUser(name, options.namespace ?? NAMESPACE, commands).replace(
    '>PASSWORD',
    `>${PASSWORD}`,
  );
  expect(await admin.call(...(line.split(' ') as [string, ...string[]]))).toBe('OK');
}

const url = (user: string) => `rediss://${user}:${PASSWORD}@127.0.0.1:${redis.port}`;

/** `npm start` with a store of this user; resolves with its exit code and output once it exits or listens. */
async function startGateway(user: string, tls: Record<string, string>) {
  const configPath = join(tmpdir(), `cg-tls-${crypto.randomUUID()}.json`);
  await writeFile(
    configPath,
    JSON.stringify({
      store: {
        kind: 'redis',
        url: { env: 'STORE_URL' },
        namespace: NAMESPACE,
        encryptionKeys: [{ id: TEST_KEY.id, key: { env: 'STORE_KEY' } }],
        tls: Object.fromEntries(Object.keys(tls).map((k) => [k, { env: `STORE_TLS_${k.toUpperCase()}` }])),
      },
    }),
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GATEWAY_CONFIG: configPath,
    STORE_URL: url(user),
    STORE_KEY: TEST_KEY.key,
    PORT: '0',
  };
  for (const [k, v] of Object.entries(tls)) env[`STORE_TLS_${k.toUpperCase()}`] = v;
  const child = spawn(process.execPath, [ENTRY], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', (c) => resolve(c));
    // Started: the sandbox banner names the gateway's address; stop it there.
    const timer = setInterval(() => {
      if (!/listening|http:\/\/127\.0\.0\.1:\d+/.test(stdout)) return;
      clearInterval(timer);
      child.kill('SIGTERM');
    }, 100);
    child.once('exit', () => clearInterval(timer));
  });
  await rm(configPath, { force: true });
  return { code, stdout, stderr };
}

describe.runIf(hasRedis)('TLS with a client certificate, an ACL user restricted to the prefix', () => {
  beforeAll(async () => {
    redis = await startTlsRedis();
    admin = new Redis({ host: '127.0.0.1', port: redis.port, tls: { ...redis.client } });
    await createUser('gw');
    await createUser('gw-no-pexpire', { without: 'pexpire' });
    await createUser('gw-elsewhere', { namespace: 'someone-else' });
    sandbox = await startSandbox({ simulators: { ups: upsSimulator } });
    fleet = await startFleet({
      // The certificates as file paths (a mounted secret); the entry-point tests pass PEM text.
      target: { url: url('gw'), tls: redis.files },
      namespace: NAMESPACE,
      size: 2,
      sandbox,
      carriers: ['ups'],
      accounts: [clientAccount(sandbox, 'ups', 'ups-sandbox')],
      tuning: { pollMs: 50 },
    });
  }, 90_000);
  afterAll(async () => {
    await fleet?.close().catch(() => undefined);
    await sandbox?.close();
    admin?.disconnect();
    await redis?.dispose();
  });

  it('two instances on that user: shared token, label replayed across instances, keys under the prefix', async () => {
    const [a, b] = fleet.instances as [(typeof fleet.instances)[0], (typeof fleet.instances)[0]];
    const rates = {
      shipper: ADDRESSES.atlanta,
      recipient: ADDRESSES.newYork,
      parcels: [{ weight: { value: 1, unit: 'kg' } }],
      carriers: ['ups'],
    };
    const answers = await Promise.all(
      [a, b, a, b].map((i) => i.request<RateResponse>('POST', '/v1/rates', rates)),
    );
    expect(answers.map((x) => x.status)).toEqual([200, 200, 200, 200]);
    expect(answers.every((x) => x.body.messages.length === 0)).toBe(true);
    expect((await tokenStats(sandbox, 'ups', 'ups-sandbox')).calls).toBe(1);

    const label = {
      carrier: 'ups',
      shipper: ADDRESSES.atlanta,
      recipient: ADDRESSES.newYork,
      parcels: [{ weight: { value: 1, unit: 'kg' } }],
      serviceLevel: 'ground',
      format: 'ZPL',
      reference: 'TLS-1',
    };
    const key = { 'Idempotency-Key': `tls-${crypto.randomUUID()}` };
    const first = await a.request<Label>('POST', '/v1/labels', label, key);
    const again = await b.request<Label>('POST', '/v1/labels', label, key);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.trackingNumber).toBe(first.body.trackingNumber);
    expect((await sandbox.control.stats('ups')).labelsByReference['TLS-1']).toBe(1);

    for (const instance of fleet.instances) {
      expect(await sharedStoreWhenReady(instance)).toEqual({
        ok: true,
        detail: `redis single: primary 127.0.0.1:${redis.port}; failovers seen: 0`,
      });
      const lines = JSON.stringify(instance.logs);
      expect(lines).not.toContain('NOPERM');
      expect(lines).not.toContain(PASSWORD);
    }
    const keys = await admin.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => !k.startsWith(`${NAMESPACE}:`))).toEqual([]);
  });

  it('a user lacking one command: start-up fails with one line naming it', async () => {
    const { code, stderr } = await startGateway('gw-no-pexpire', { ...redis.client });
    expect(code).toBe(1);
    const naming = stderr.split('\n').filter((l) => l.includes('PEXPIRE'));
    expect(naming).toEqual([
      "carrier-gateway: Invalid configuration: store: Redis user 'gw-no-pexpire' may not run PEXPIRE: grant it with ACL SETUSER gw-no-pexpire +pexpire",
    ]);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(stderr).not.toContain(PASSWORD);
  }, 60_000);

  it('a user whose keys are under another prefix: start-up fails naming the key pattern', async () => {
    const { code, stderr } = await startGateway('gw-elsewhere', { ...redis.client });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `carrier-gateway: Invalid configuration: store: Redis user 'gw-elsewhere' may not use keys under '${NAMESPACE}:*': grant them with ACL SETUSER gw-elsewhere ~${NAMESPACE}:*`,
    );
  }, 60_000);

  it('a client without its certificate, or not trusting the server: start-up fails naming the TLS settings', async () => {
    const withoutCertificate = await startGateway('gw', { ca: redis.client.ca });
    expect(withoutCertificate.code).toBe(1);
    // The alert or, when the server's reset arrives first, the reset: both name the settings.
    expect(withoutCertificate.stderr).toMatch(
      /^carrier-gateway: Invalid configuration: store: Redis (requires a client certificate \(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED\)|closed the TLS connection \(ECONNRESET\), as a server that requires a client certificate does): set store\.tls\.cert and store\.tls\.key$/m,
    );
    const untrusted = await startGateway('gw', { cert: redis.client.cert, key: redis.client.key });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain(
      'carrier-gateway: Invalid configuration: store: the TLS handshake with Redis failed (SELF_SIGNED_CERT_IN_CHAIN): check store.tls',
    );
  }, 60_000);

  it('the complete user starts the real entry point', async () => {
    const { code, stderr } = await startGateway('gw', { ...redis.client });
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
