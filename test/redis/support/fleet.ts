/**
 * N gateway processes sharing one Redis namespace (on any topology), in front of simulators
 * that run in the test process (so the test can read their stats and token authority
 * directly). Each instance is a real child process (instance.ts); the fleet collects their
 * JSON log lines, sends them HTTP requests and can kill any of them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Sandbox } from '../../../sandbox/server.ts';
import type { ResolvedAccount } from '../../../src/config/account.ts';
import type { BreakerSettings } from '../../../src/resilience/settings.ts';
import type { SharedStateTuning } from '../../../src/runtime/node/shared-state.ts';
import { REDIS_URL, testNamespace } from '../../support/redis.ts';
import type { InstanceConfig } from './instance.ts';
import { type AdminClient, adminFor, type StoreTarget, scanAll } from './topologies.ts';

const ENTRY = new URL('./instance.ts', import.meta.url).pathname;
const READY_DEADLINE_MS = 30_000;

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface Instance {
  index: number;
  url: string;
  child: ChildProcess;
  /** Every JSON line it printed so far. */
  logs: Record<string, unknown>[];
  exited: Promise<void>;
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    timeoutMs?: number,
  ): Promise<Answer<T>>;
  /** A request with the fleet's admin key. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<Answer<T>>;
}

/**
 * The instance's shared-store readiness line once it is ready (bounded: on a busy machine one
 * ping may time out and read `degraded` for a moment); the last line read otherwise.
 */
export async function sharedStoreWhenReady(instance: Instance): Promise<{ ok: boolean; detail?: string }> {
  let check: { ok: boolean; detail?: string } = { ok: false };
  for (let i = 0; i < 50; i++) {
    const { body } = await instance.request<{ checks: Record<string, { ok: boolean; detail?: string }> }>(
      'GET',
      '/readyz',
    );
    check = body.checks.sharedStore ?? { ok: false };
    if (check.ok) return check;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return check;
}

/** What `/readyz` answers. */
export interface Readiness {
  status?: string;
  checks?: Record<string, { ok: boolean; detail?: string }>;
}

/** Waits until the instance reports `ready` (it sees the shared store again); its answer. */
export async function untilReady(instance: Instance): Promise<Readiness> {
  for (let i = 0; i < 200; i++) {
    const { body } = await instance.request<Readiness>('GET', '/readyz');
    if (body.status === 'ready') return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`instance ${instance.index} never saw the shared store again`);
}

export interface FleetOptions {
  size: number;
  sandbox: Sandbox;
  carriers: readonly string[];
  accounts: readonly ResolvedAccount[];
  /** Where Redis is (default: the machine's Redis); `redisUrl` is the short form. */
  target?: StoreTarget;
  redisUrl?: string;
  namespace?: string;
  tuning?: SharedStateTuning;
  tokenCallTimeoutMs?: number;
  authBreaker?: BreakerSettings;
  timeouts?: InstanceConfig['timeouts'];
  alerts?: InstanceConfig['alerts'];
  probeIntervalMs?: number;
}

export interface Fleet {
  instances: Instance[];
  namespace: string;
  target: StoreTarget;
  /** An admin connection to the fleet's Redis (commands go to the node holding the key). */
  admin: AdminClient;
  encryptionKey: { id: string; key: string };
  apiKey: string;
  adminKey: string;
  /** Sends `kill -9` to one instance and waits until it is gone. */
  kill(index: number): Promise<void>;
  /** Stops one instance (SIGTERM) and starts a new process in its place. */
  restart(index: number): Promise<Instance>;
  /** Every key of the fleet's namespace, for inspection. */
  keys(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The test's own client: bounded sockets per instance and a connect timeout sized for a busy
 * machine, so a burst of thousands queues on the client instead of overflowing the accept
 * backlog (the gateway's promises are about answers and token calls, not socket counts).
 * Idle sockets are dropped after 1 s, well before the instances' servers drop theirs (Node's
 * 5 s): a test that waits for a token to expire must not send its burst on a closing socket.
 */
const client = new Agent({
  connections: 100,
  connect: { timeout: 60_000 },
  keepAliveTimeout: 1_000,
  keepAliveMaxTimeout: 1_000,
});

const randomKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

function startInstance(index: number, config: InstanceConfig, configFile: string): Promise<Instance> {
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...process.env, INSTANCE_CONFIG_FILE: configFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<Instance>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`instance ${index} did not start: ${stderr.join('').slice(0, 2_000)}`));
    }, READY_DEADLINE_MS);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`instance ${index} exited: ${stderr.join('').slice(0, 2_000)}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(parsed);
      if (parsed.event !== 'instance.ready') return;
      clearTimeout(timer);
      const url = String(parsed.url);
      const instance: Instance = {
        index,
        url,
        child,
        logs,
        exited,
        async request<T>(
          method: string,
          path: string,
          body?: unknown,
          headers: Record<string, string> = {},
          timeoutMs = 60_000,
        ): Promise<Answer<T>> {
          const res = await undiciFetch(`${url}${path}`, {
            dispatcher: client,
            method,
            headers: {
              authorization: `Bearer ${config.apiKey}`,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
              ...headers,
            },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            signal: AbortSignal.timeout(timeoutMs),
          });
          const text = await res.text();
          let parsedBody: unknown = text;
          try {
            parsedBody = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          return { status: res.status, headers: new Headers([...res.headers]), body: parsedBody as T };
        },
        admin: <T>(method: string, path: string, body?: unknown) =>
          instance.request<T>(method, path, body, { authorization: `Bearer ${config.adminKey}` }),
      };
      resolve(instance);
    });
  });
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const namespace = options.namespace ?? testNamespace('fleet').replaceAll(':', '-');
  const target = options.target ?? { url: options.redisUrl ?? REDIS_URL };
  const encryptionKey = { id: 'k1', key: randomKey() };
  const apiKey = `sk_test_${crypto.randomUUID().replaceAll('-', '')}`;
  const adminKey = `sk_admin_${crypto.randomUUID().replaceAll('-', '')}`;
  const config: InstanceConfig = {
    adminKey,
    store: target,
    namespace,
    encryptionKey,
    apiKey,
    carriers: [...options.carriers],
    accounts: [...options.accounts],
    tuning: options.tuning ?? {},
    ...(options.tokenCallTimeoutMs !== undefined ? { tokenCallTimeoutMs: options.tokenCallTimeoutMs } : {}),
    ...(options.authBreaker !== undefined ? { authBreaker: options.authBreaker } : {}),
    ...(options.timeouts !== undefined ? { timeouts: options.timeouts } : {}),
    ...(options.alerts !== undefined ? { alerts: options.alerts } : {}),
    ...(options.probeIntervalMs !== undefined ? { probeIntervalMs: options.probeIntervalMs } : {}),
  };
  const configFile = join(tmpdir(), `cg-fleet-${namespace}.json`);
  await writeFile(configFile, JSON.stringify(config));
  const admin = adminFor(target);
  const started = await Promise.allSettled(
    Array.from({ length: options.size }, (_, i) => startInstance(i, config, configFile)),
  );
  const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');

  async function stop(instance: Instance): Promise<void> {
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
    instance.child.kill('SIGTERM');
    const timer = setTimeout(() => instance.child.kill('SIGKILL'), 3_000);
    await instance.exited;
    clearTimeout(timer);
  }

  const fleet: Fleet = {
    instances,
    namespace,
    target,
    admin,
    encryptionKey,
    apiKey,
    adminKey,
    async kill(index) {
      const instance = instances[index];
      if (!instance) throw new Error(`no instance ${index}`);
      instance.child.kill('SIGKILL');
      await instance.exited;
    },
    async restart(index) {
      const instance = instances[index];
      if (!instance) throw new Error(`no instance ${index}`);
      await stop(instance);
      const fresh = await startInstance(index, config, configFile);
      instances[index] = fresh;
      return fresh;
    },
    keys: () => scanAll(admin, `${namespace}:*`),
    async close() {
      await Promise.all(instances.map(stop));
      await rm(configFile, { force: true });
      try {
        // One DEL per key: in a cluster they live in different slots.
        await Promise.all((await fleet.keys()).map((key) => admin.del(key)));
      } catch {
        // the test's own Redis may already be gone
      } finally {
        admin.disconnect();
      }
    },
  };
  if (failed) {
    await fleet.close();
    throw (failed as PromiseRejectedResult).reason;
  }
  return fleet;
}
