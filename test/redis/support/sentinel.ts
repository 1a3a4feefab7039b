/**
 * A primary, one replica and three sentinels on loopback (master name `gw`), as a platform
 * team runs Redis with automatic failover. Quick detection for tests: the primary counts as
 * down after 1 s without an answer; two sentinels must agree. Ready once the replica is in
 * sync and every sentinel knows the replica and the other two sentinels (so a failover can
 * start as soon as the primary dies).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  freePort,
  pings,
  type RedisProcess,
  redisCli,
  startRedisProcess,
  tempDir,
  until,
} from './servers.ts';

export const MASTER_NAME = 'gw';

export interface TestSentinels {
  /** `host:port` of each sentinel. */
  sentinels: string[];
  /** The data nodes, the first one the initial primary. */
  data: RedisProcess[];
  /** The sentinels' processes. */
  sentinelProcesses: RedisProcess[];
  /** `host:port` of the primary the sentinels name now. */
  primary(): Promise<string>;
  /** kill -9 of the current primary; resolves once the sentinels name its successor. */
  killPrimary(): Promise<{ from: string; to: string }>;
  dispose(): Promise<void>;
}

async function dataNode(port: number, args: string[]): Promise<RedisProcess> {
  return startRedisProcess({
    port,
    dir: await tempDir('cg-sentinel-data-'),
    args: ['--port', String(port), '--save', '', '--appendonly', 'no', ...args],
    ready: () => pings({ port, host: '127.0.0.1' }),
  });
}

async function sentinelNode(port: number, primaryPort: number, downAfterMs: number): Promise<RedisProcess> {
  const dir = await tempDir('cg-sentinel-');
  const configFile = join(dir, 'sentinel.conf');
  await writeFile(
    configFile,
    [
      `port ${port}`,
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${primaryPort} 2`,
      `sentinel down-after-milliseconds ${MASTER_NAME} ${downAfterMs}`,
      `sentinel failover-timeout ${MASTER_NAME} 10000`,
      `sentinel parallel-syncs ${MASTER_NAME} 1`,
      '',
    ].join('\n'),
  );
  return startRedisProcess({
    port,
    dir,
    configFile,
    sentinel: true,
    args: [],
    ready: () => pings({ port, host: '127.0.0.1' }),
  });
}

const cli = (port: number, ...args: string[]) => redisCli(['-p', String(port), ...args]);

/**
 * `downAfterMs`: how long the primary may not answer before the sentinels act (1 s for a
 * failover test; longer for a set shared by many suites on a busy machine).
 */
export async function startSentinels(downAfterMs = 1_000): Promise<TestSentinels> {
  const all: RedisProcess[] = [];
  try {
    const [primaryPort, replicaPort] = [await freePort(), await freePort()];
    const primary = await dataNode(primaryPort, []);
    all.push(primary);
    const replica = await dataNode(replicaPort, ['--replicaof', '127.0.0.1', String(primaryPort)]);
    all.push(replica);
    await until('the replica in sync', async () =>
      (await cli(replicaPort, 'info', 'replication')).includes('master_link_status:up'),
    );
    const sentinels: RedisProcess[] = [];
    for (let i = 0; i < 3; i++)
      sentinels.push(await sentinelNode(await freePort(), primaryPort, downAfterMs));
    all.push(...sentinels);
    for (const s of sentinels) {
      await until(`sentinel ${s.port} to know the replica and its peers`, async () => {
        const replicas = await cli(s.port, 'sentinel', 'replicas', MASTER_NAME);
        const peers = await cli(s.port, 'sentinel', 'sentinels', MASTER_NAME);
        return (
          replicas.includes(String(replicaPort)) && peers.split('\n').filter((l) => l === 'name').length === 2
        );
      });
    }
    const primaryNow = async () => {
      for (const s of sentinels) {
        if (!s.running) continue;
        const [host, port] = (await cli(s.port, 'sentinel', 'get-master-addr-by-name', MASTER_NAME))
          .trim()
          .split('\n');
        if (host && port) return `${host}:${port}`;
      }
      throw new Error('no sentinel names a primary');
    };
    return {
      sentinels: sentinels.map((s) => `127.0.0.1:${s.port}`),
      data: [primary, replica],
      sentinelProcesses: sentinels,
      primary: primaryNow,
      async killPrimary() {
        const from = await primaryNow();
        const victim = [primary, replica].find((p) => from.endsWith(`:${p.port}`));
        if (!victim) throw new Error(`the primary ${from} is not one of ours`);
        await victim.signal('SIGKILL');
        let to = from;
        await until('the sentinels to promote the replica', async () => {
          to = await primaryNow();
          return to !== from;
        });
        return { from, to };
      },
      async dispose() {
        await Promise.all(all.map((p) => p.dispose()));
      },
    };
  } catch (error) {
    await Promise.all(all.map((p) => p.dispose()));
    throw error;
  }
}
