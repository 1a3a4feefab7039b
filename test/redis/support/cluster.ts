/**
 * A Redis Cluster of three primaries (no replicas) on loopback: three redis-server
 * processes in cluster mode on free ports (their bus ports chosen too), the 16,384 slots
 * shared out by `redis-cli --cluster create`, ready once every node says the cluster is ok.
 */
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

export interface TestCluster {
  /** `host:port` of each primary. */
  nodes: string[];
  processes: RedisProcess[];
  dispose(): Promise<void>;
}

async function clusterOk(port: number): Promise<boolean> {
  const info = await redisCli(['-p', String(port), 'cluster', 'info']);
  return info.includes('cluster_state:ok') && info.includes('cluster_known_nodes:3');
}

export async function startCluster(size = 3): Promise<TestCluster> {
  const processes: RedisProcess[] = [];
  try {
    for (let i = 0; i < size; i++) {
      const [port, busPort] = [await freePort(), await freePort()];
      const dir = await tempDir('cg-cluster-');
      processes.push(
        await startRedisProcess({
          port,
          dir,
          args: [
            '--port',
            String(port),
            '--cluster-enabled',
            'yes',
            '--cluster-port',
            String(busPort),
            '--cluster-config-file',
            join(dir, 'nodes.conf'),
            '--cluster-node-timeout',
            '2000',
            '--save',
            '',
            '--appendonly',
            'no',
          ],
          ready: () => pings({ port, host: '127.0.0.1' }),
        }),
      );
    }
    const nodes = processes.map((p) => `127.0.0.1:${p.port}`);
    await redisCli(['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    for (const p of processes) await until(`cluster node ${p.port} ok`, () => clusterOk(p.port));
    return {
      nodes,
      processes,
      async dispose() {
        await Promise.all(processes.map((p) => p.dispose()));
      },
    };
  } catch (error) {
    await Promise.all(processes.map((p) => p.dispose()));
    throw error;
  }
}
