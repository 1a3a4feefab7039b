/**
 * The production Docker image, without a Docker engine: the Dockerfile passes a linter for
 * the rules that matter (and the linter catches each rule broken), and its build steps are
 * replayed outside Docker — the production-only install, the runtime stage's files and ENV
 * — then its CMD starts the gateway in production mode (configuration and secrets from the
 * environment), its HEALTHCHECK command passes on /healthz, it serves rates from the
 * simulators, and SIGTERM shuts it down cleanly with exit code 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { ROOT } from '../../scripts/build-worker.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { lintDockerfile } from './support/dockerfile.ts';
import { type ImageBuild, replayImageBuild } from './support/image-build.ts';
import { startSimulators, workerConfig } from './support/worker-harness.ts';

const dockerfile = () => readFile(join(ROOT, 'Dockerfile'), 'utf8');

describe('Dockerfile lint', () => {
  it('passes every rule', async () => {
    expect(lintDockerfile(await dockerfile())).toEqual([]);
  });

  it('catches each rule broken', async () => {
    const good = await dockerfile();
    const broken: [string, string, RegExp][] = [
      ['single stage', good.replace(/FROM node:[^\n]+ AS deps[\s\S]*?(?=# --- 2)/, ''), /multi-stage/],
      ['latest tag', good.replaceAll(/node:24\.\d+\.\d+-slim/g, 'node:latest'), /pinned/],
      ['odd (non-LTS) major', good.replaceAll(/node:24\.(\d+\.\d+)-slim/g, 'node:25.$1-slim'), /LTS/],
      ['root user', good.replace('USER node', 'USER root'), /runs as root/],
      ['no user', good.replace('USER node', ''), /no USER/],
      ['no healthcheck', good.replace(/HEALTHCHECK[^\n]*\\\n[^\n]*\n/, ''), /no HEALTHCHECK/],
      ['shell-form CMD', good.replace(/CMD \["node", "src[^\n]*/, 'CMD npm start'), /shell form/],
      ['all dependencies', good.replace('--omit=dev ', ''), /npm ci --omit=dev/],
      [
        'secret in ENV',
        good.replace('PORT=8080', 'PORT=8080 \\\n    GATEWAY_API_KEYS=sk_live_1'),
        /bakes a secret/,
      ],
      [
        'secret ARG',
        good.replace(
          'WORKDIR /app\nCOPY package.json',
          'ARG UPS_CLIENT_SECRET\nWORKDIR /app\nCOPY package.json',
        ),
        /bakes a secret/,
      ],
      [
        'copied .env',
        good.replace('COPY --chown=node:node src ./src', 'COPY .env ./\nCOPY --chown=node:node src ./src'),
        /secrets file/,
      ],
      ['loopback host', good.replace('HOST=0.0.0.0', 'HOST=127.0.0.1'), /HOST/],
    ];
    for (const [name, text, problem] of broken) {
      expect(text, name).not.toBe(good);
      expect(lintDockerfile(text).join('\n'), name).toMatch(problem);
    }
  });

  it('.dockerignore keeps secrets files and bulk out of the build context', async () => {
    const ignored = (await readFile(join(ROOT, '.dockerignore'), 'utf8')).split('\n').map((l) => l.trim());
    for (const entry of ['.git', 'node_modules', '.env', '.dev.vars', '.wrangler', 'dist'])
      expect(ignored).toContain(entry);
  });
});

describe('the image, built and started outside Docker', () => {
  let work: string;
  let build: ImageBuild;
  let sandbox: Sandbox;
  let child: ChildProcess | undefined;
  let output = '';
  let url: string;
  const apiKey = `sk_image_${crypto.randomUUID().replaceAll('-', '')}`;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cg-image-'));
    build = await replayImageBuild(work);
    sandbox = await startSimulators(['ups']);
    // Production mode: a mounted config file, secrets in the environment.
    const { config, secrets } = workerConfig(sandbox, {
      carriers: ['ups'],
      accounts: (_c, accounts) => accounts.slice(0, 1).map((account) => ({ account })),
    });
    const configFile = join(work, 'gateway.json');
    await writeFile(configFile, JSON.stringify(config));
    child = spawn(process.execPath, build.cmd.slice(1), {
      cwd: build.appDir,
      env: {
        PATH: process.env.PATH,
        ...build.env,
        // The only departures from the image: loopback and an ephemeral port for the test.
        HOST: '127.0.0.1',
        PORT: '0',
        GATEWAY_CONFIG: configFile,
        GATEWAY_API_KEYS: apiKey,
        LOG_LEVEL: 'info', // the test reads the address from the 'gateway listening' line
        ...secrets,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    url = await new Promise<string>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`the gateway did not start:\n${output}`)), 90_000);
      const look = () => {
        for (const line of output.split('\n')) {
          try {
            const record = JSON.parse(line) as { msg?: string; url?: string };
            if (record.msg === 'gateway listening' && record.url) {
              clearTimeout(deadline);
              resolve(record.url);
              return;
            }
          } catch {
            // not a log line
          }
        }
      };
      child?.stdout?.on('data', look);
      child?.once('exit', (code) => reject(new Error(`the gateway exited (${code}):\n${output}`)));
    });
  }, 240_000); // npm ci and a cold start take minutes on a loaded machine

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await sandbox?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('installs production dependencies only', async () => {
    const has = (pkg: string) =>
      stat(join(build.appDir, 'node_modules', pkg)).then(
        () => true,
        () => false,
      );
    for (const pkg of ['hono', 'opossum', 'zod', 'undici', 'ioredis']) expect(await has(pkg), pkg).toBe(true);
    for (const pkg of ['vitest', 'typescript', 'wrangler', 'miniflare', '@biomejs/biome'])
      expect(await has(pkg), pkg).toBe(false);
  });

  it('answers /healthz, and the image HEALTHCHECK command passes', async () => {
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const port = new URL(url).port;
    const code = await new Promise<number | null>((resolve) => {
      const check = spawn(process.execPath, build.healthcheck.slice(1), {
        env: { PATH: process.env.PATH, PORT: port },
        stdio: 'ignore',
      });
      check.once('exit', resolve);
    });
    expect(code).toBe(0);
  });

  it('serves the unified API from its environment configuration', async () => {
    const res = await fetch(`${url}/v1/rates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        shipper: ADDRESSES.atlanta,
        recipient: ADDRESSES.newYork,
        parcels: [{ weight: { value: 2, unit: 'kg' } }],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rates: { carrier: string }[] };
    expect(body.rates.some((r) => r.carrier === 'ups')).toBe(true);
    expect(output).not.toContain(apiKey);
  });

  it('shuts down on SIGTERM with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child?.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
