/**
 * A Redis server of the test's own, on a free port, that the test may stop and start again
 * (the machine's Redis on 6379 is shared and must never be stopped). Its data survives a
 * stop (`SHUTDOWN SAVE` into its own directory), as a durable production Redis would.
 */
import { freePort, pings, redisCli, startRedisProcess, tempDir, until } from './servers.ts';

export interface PrivateRedis {
  url: string;
  port: number;
  /** Stops it (data saved to disk first); connections see it go away. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the saved data. */
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  dispose(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await tempDir('cg-redis-');
  const server = await startRedisProcess({
    port,
    dir,
    args: ['--port', String(port), '--save', '', '--appendonly', 'no'],
    ready: () => pings({ port, host: '127.0.0.1' }),
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (!server.running) return;
      await redisCli(['-p', String(port), 'shutdown', 'save']).catch(() => undefined);
      await until(`redis-server on ${port} to stop`, async () => !server.running);
    },
    start: () => server.start(),
    dispose: () => server.dispose(),
  };
}
