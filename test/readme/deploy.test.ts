/**
 * The README's deployment steps that can run here, on a copy of the repository: the Node
 * deployment (`npm ci --omit=dev`, then the production start with the README's gateway.json),
 * starting with real carrier accounts configured, and the Worker build. The README's `…`
 * placeholders are filled with test values (`NAME=…` becomes `NAME=test-NAME`). No carrier is
 * reachable from here: the gateway must start, answer its health checks and list its carriers.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../sandbox/free-port.ts';
import { checkoutCopy } from './checkout.ts';
import { type ReadmeBlock, readmeBlock, runBlock, startBlock } from './readme.ts';

/** `NAME=…` becomes `NAME=test-NAME`, as a reader fills the placeholders in. */
const filled = (block: ReadmeBlock): ReadmeBlock => ({
  ...block,
  code: block.code.replace(/\b([A-Z][A-Z0-9_]*)=…/g, '$1=test-$1'),
});

/** The variables gateway.json references, set as the README says they must be. */
const SECRETS = {
  UPS_CLIENT_ID: 'test-UPS_CLIENT_ID',
  UPS_CLIENT_SECRET: 'test-UPS_CLIENT_SECRET',
  FEDEX_CLIENT_ID: 'test-FEDEX_CLIENT_ID',
  FEDEX_CLIENT_SECRET: 'test-FEDEX_CLIENT_SECRET',
};
const API_KEY = 'test-GATEWAY_API_KEYS';

let work: string;
let app: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'readme-deploy-'));
  app = await checkoutCopy(join(work, 'app'));
  await writeFile(join(app, 'gateway.json'), readmeBlock('gateway.json').code);
}, 60_000);
afterAll(() => rm(work, { recursive: true, force: true }));

/** Starts a block that runs the gateway, waits until it listens, and hands over its URL. */
async function startGateway(block: ReadmeBlock, env: Record<string, string>) {
  const port = await freePort();
  const running = startBlock(filled(block), { cwd: app, env: { ...SECRETS, ...env, PORT: String(port) } });
  await running.waitFor(/"msg":"gateway listening"/, 240_000);
  return { running, url: `http://127.0.0.1:${port}` };
}

async function expectServing(url: string) {
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  const carriers = await fetch(`${url}/v1/carriers`, { headers: { authorization: `Bearer ${API_KEY}` } });
  expect(carriers.status).toBe(200);
  const body = (await carriers.json()) as { carriers: { id: string }[] };
  expect(body.carriers.map((c) => c.id).sort()).toEqual(['fedex', 'ups']);
}

describe('deploying on Node, as the README says', () => {
  it('deploy-node: npm ci --omit=dev, then the production start with gateway.json', async () => {
    const { running, url } = await startGateway(readmeBlock('deploy-node'), {});
    try {
      // Production dependencies only.
      const has = (pkg: string) =>
        stat(join(app, 'node_modules', pkg)).then(
          () => true,
          () => false,
        );
      expect(await has('hono')).toBe(true);
      expect(await has('vitest')).toBe(false);
      await expectServing(url);
      expect(running.output()).not.toContain('SANDBOX');
    } finally {
      await running.stop();
    }
    expect(running.output()).not.toContain('test-UPS_CLIENT_SECRET');
  }, 300_000);

  it('real-accounts: GATEWAY_CONFIG=gateway.json and the variables, then npm start', async () => {
    const { running, url } = await startGateway(readmeBlock('real-accounts'), {});
    try {
      await expectServing(url);
    } finally {
      await running.stop();
    }
  }, 120_000);
});

describe('deploying on Cloudflare Workers: the part that runs without an account', () => {
  it('worker-build: the bundle is built, checked Node-free and its gzip size printed', async () => {
    const copy = await checkoutCopy(join(work, 'worker'), { linkNodeModules: true });
    const result = await runBlock(readmeBlock('worker-build'), { cwd: copy, timeoutMs: 180_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/gzip/i);
    const files = await readFile(join(copy, 'dist', 'worker', 'meta.json'), 'utf8');
    expect(files.length).toBeGreaterThan(0);
  }, 200_000);
});
